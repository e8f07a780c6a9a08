/**
 * The read stage's output (parsed sources and their rejects) as a stage file, so the build stage
 * on another worker loads it instead of parsing every file again (~5 s at full size). JSON, with
 * Maps, the OEWS estimate table (typed arrays as base64) and the reject collector written in a form
 * that comes back as the same classes.
 */

import type { ReadOutput } from '../../pipeline/stages.js';
import { OewsEstimateTable, type SerializedEstimateTable } from '../../readers/oewsEstimateTable.js';
import { RejectCollector } from '../../validate/rejects.js';

const MAP = '$map';
const TABLE = '$oewsEstimateTable';

interface EncodedRejects {
  maxKept: number;
  rejects: RejectCollector['rejects'];
  warnings: RejectCollector['warnings'];
  counts: RejectCollector['counts'];
}

export function encodeReadOutput(out: ReadOutput): string {
  const rejects: EncodedRejects = {
    maxKept: out.rejects.maxKept,
    rejects: out.rejects.rejects,
    warnings: out.rejects.warnings,
    counts: out.rejects.counts,
  };
  return JSON.stringify(
    { bundle: out.bundle, rejects, releases: out.releases },
    function (this: unknown, key, value: unknown) {
      if (value instanceof Map) return { [MAP]: [...value] };
      // The replacer sees the table's toJSON() result; the holder still has the table itself.
      const original = (this as Record<string, unknown>)[key];
      if (original instanceof OewsEstimateTable) return { [TABLE]: value };
      return value;
    },
  );
}

export function decodeReadOutput(text: string): ReadOutput {
  const revived = JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object') {
      if (MAP in value) return new Map((value as Record<string, [unknown, unknown][]>)[MAP]);
      if (TABLE in value) {
        return OewsEstimateTable.fromJSON((value as Record<string, SerializedEstimateTable>)[TABLE]!);
      }
    }
    return value;
  }) as { bundle: ReadOutput['bundle']; rejects: EncodedRejects; releases?: ReadOutput['releases'] };
  const rejects = new RejectCollector(revived.rejects.maxKept);
  rejects.rejects.push(...revived.rejects.rejects);
  rejects.warnings.push(...revived.rejects.warnings);
  for (const [k, v] of revived.rejects.counts) rejects.counts.set(k, v);
  return { bundle: revived.bundle, rejects, releases: revived.releases ?? {} };
}

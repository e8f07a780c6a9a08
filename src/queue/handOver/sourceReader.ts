/**
 * Reading the fetched files (parse + validate) for the read stage and again for the build stage.
 * The bundle is too large to pass through Redis, so the read stage stores it as a stage file
 * (readHandOver.ts); the build stage takes it from this process's memo when the same worker ran the
 * read stage, else from that file, and only if both fail reads the raw files again (reading is
 * deterministic in their bytes).
 */

import { errorMessage } from '../../errors.js';
import type { RunContext } from '../../pipeline/runContext.js';
import { type ArtifactsBySource, type ReadOutput, readSources } from '../../pipeline/stages.js';

export class SourceReader {
  private last: { key: string; value: Promise<ReadOutput> } | undefined;

  /**
   * `handedOver` loads what the read stage stored for this run (another worker's read): used
   * when this process has no memo of the same inputs; if it fails, the files are read again.
   */
  async read(
    ctx: RunContext,
    artifacts: ArtifactsBySource,
    handedOver?: () => Promise<ReadOutput>,
  ): Promise<ReadOutput> {
    const key = JSON.stringify([
      ctx.config.sources,
      ctx.config.OEWS_FORMAT,
      Object.entries(artifacts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, list]) => [id, (list ?? []).map((a) => `${a.name}:${a.sha256}`)]),
    ]);
    if (this.last?.key === key) {
      try {
        return await this.last.value;
      } catch {
        // A failed read is not remembered: fall through and read again.
      }
    }
    const value = (async () => {
      if (handedOver) {
        try {
          return await handedOver();
        } catch (err) {
          ctx.log.warn(
            { err: errorMessage(err) },
            'could not load the read stage hand-over: reading the files',
          );
        }
      }
      return readSources(ctx, artifacts);
    })();
    this.last = { key, value };
    return value;
  }

  forget(): void {
    this.last = undefined;
  }
}

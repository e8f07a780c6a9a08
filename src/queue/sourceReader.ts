/**
 * Reading the fetched files (parse + validate) for the read stage and again for the build stage.
 * The bundle is too large to pass through Redis or a hand-over file, and reading is deterministic
 * in the artifacts' bytes, so the build stage re-reads — from this process's memo when the same
 * worker ran the read stage (the usual case), else from the content-addressed raw cache.
 */
import type { RunContext } from '../pipeline/runContext.js';
import { type ArtifactsBySource, readSources, type SourceBundle } from '../pipeline/stages.js';
import { RejectCollector } from '../validate/rejects.js';

export interface ReadOutput {
  bundle: SourceBundle;
  rejects: RejectCollector;
}

export class SourceReader {
  private last: { key: string; value: Promise<ReadOutput> } | undefined;

  async read(ctx: RunContext, artifacts: ArtifactsBySource): Promise<ReadOutput> {
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
      const rejects = new RejectCollector();
      const bundle = await readSources(ctx, artifacts, rejects);
      return { bundle, rejects };
    })();
    this.last = { key, value };
    return value;
  }

  forget(): void {
    this.last = undefined;
  }
}

/** SOCs that get a CareerOneStop unit: OEWS national detailed occupations and EP line items. */
export { careerOneStopSocs } from '../pipeline/stages.js';

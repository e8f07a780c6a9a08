import { embeddedRunIO } from '../../pipeline/embeddedRunIO.js';
import { runRescore } from '../../pipeline/rescore.js';
import { closeRunContext, createRunContext, newRunId } from '../../pipeline/runContext.js';
import { cliContext } from '../context.js';
import { recordRunOrSay, reportRun } from './refreshAction.js';
import type { RescoreCommandOptions } from './rescore.js';

export async function rescoreAction(opts: RescoreCommandOptions): Promise<void> {
  // Rescoring reads only the cache: no source's fetch settings are needed.
  const cli = await cliContext({ checkSources: false });
  const ctx = createRunContext(cli.config, cli.log, embeddedRunIO(cli.config, cli.log));
  try {
    const summary = await runRescore(ctx, {
      runId: newRunId(),
      from: opts.from,
      ...(opts.methodology ? { methodology: opts.methodology } : {}),
      ...(opts.epochRule ? { epochRule: opts.epochRule } : {}),
      force: opts.force ?? false,
    });
    const runRecordError = await recordRunOrSay(cli, ctx.redis, summary, { force: opts.force ?? false });
    reportRun(summary, cli.config.SNAPSHOT_DIR, opts.json, runRecordError);
  } finally {
    await closeRunContext(ctx);
    await cli.close();
  }
}

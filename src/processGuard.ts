/**
 * Nothing dies silently: an uncaught exception or unhandled rejection anywhere in a careerdata
 * process (a callback thrown from a timer, a forgotten promise) is logged with the run and job it
 * happened in, and the process exits non-zero. A worker's active job is then left locked; BullMQ's
 * stalled-job check hands it to another worker once the lock expires.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './log.js';

/** What a piece of work is: logged with a fatal error that happens inside it. */
export interface WorkContext {
  runId?: string;
  jobId?: string;
  job?: string;
  stage?: string | null;
}

const currentWork = new AsyncLocalStorage<WorkContext>();
const activeWork = new Set<WorkContext>();

/** Run `fn` as `ctx`: timers and promises it starts carry the context (AsyncLocalStorage). */
export async function runAsWork<T>(ctx: WorkContext, fn: () => Promise<T>): Promise<T> {
  activeWork.add(ctx);
  try {
    return await currentWork.run(ctx, fn);
  } finally {
    activeWork.delete(ctx);
  }
}

/** Exit code of a process stopped by an error nobody handled. */
export const FATAL_EXIT_CODE = 70;

let installed = false;

/** Install the process-wide handlers once (`what` names the process in the log line). */
export function installFatalHandlers(log: Logger, what: string): void {
  if (installed) return;
  installed = true;
  let dying = false;
  const die = (kind: 'uncaught exception' | 'unhandled rejection', err: unknown) => {
    if (dying) return;
    dying = true;
    const work = currentWork.getStore();
    try {
      log.fatal(
        {
          err,
          kind,
          ...(work ?? {}),
          ...(activeWork.size > 0 ? { activeWork: [...activeWork] } : {}),
        },
        `${what}: ${kind}; exiting`,
      );
    } catch {
      process.stderr.write(`careerdata ${what}: ${kind}; exiting\n`);
    }
    // The log line must reach its destination before the process goes.
    setTimeout(() => process.exit(FATAL_EXIT_CODE), 1_000).unref();
    try {
      log.flush(() => process.exit(FATAL_EXIT_CODE));
    } catch {
      process.exit(FATAL_EXIT_CODE);
    }
  };
  process.on('uncaughtException', (err) => die('uncaught exception', err));
  process.on('unhandledRejection', (reason) => die('unhandled rejection', reason));
}

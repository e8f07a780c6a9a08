/**
 * The `careerdata` command line: command definitions only; each calls the modules that do the work.
 * The process entry point is `main.ts` at the package root: it hands in the worker's job handlers
 * (jobs/), which nothing under src/ imports.
 */
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { registerHealthcheck } from './commands/healthcheck.js';
import { registerRefresh } from './commands/refresh.js';
import { registerRescore } from './commands/rescore.js';
import { registerRuns } from './commands/runs.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerSnapshots } from './commands/snapshots.js';
import { registerTrigger } from './commands/trigger.js';
import { type LoadJobHandlers, registerWorker } from './commands/worker.js';

export interface ProgramOptions {
  /** The worker's job handlers, loaded only when `careerdata worker` runs. */
  loadJobHandlers?: LoadJobHandlers;
}

export function buildProgram(opts: ProgramOptions = {}): Command {
  const program = new Command('careerdata')
    .description('Keeps occupation data fresh: fetch, validate, score and publish versioned snapshots.')
    .showHelpAfterError()
    .enablePositionalOptions();
  registerRefresh(program);
  registerRescore(program);
  registerWorker(program, opts.loadJobHandlers);
  registerTrigger(program);
  registerRuns(program);
  registerSchedule(program);
  registerSnapshots(program);
  registerServe(program);
  registerHealthcheck(program);
  return program;
}

export async function runCli(argv: string[], opts: ProgramOptions = {}): Promise<void> {
  await buildProgram(opts).parseAsync(argv);
}

// Run directly (`tsx src/cli/main.ts …`): every command but `worker`, which needs main.ts.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runCli(process.argv);

/** The `careerdata` command line: command definitions only; each calls the modules that do the work. */
import { Command } from 'commander';
import { registerHealthcheck } from './commands/healthcheck.js';
import { registerRefresh } from './commands/refresh.js';
import { registerRescore } from './commands/rescore.js';
import { registerRuns } from './commands/runs.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerSnapshots } from './commands/snapshots.js';
import { registerTrigger } from './commands/trigger.js';
import { registerWorker } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command('careerdata')
    .description('Keeps occupation data fresh: fetch, validate, score and publish versioned snapshots.')
    .showHelpAfterError()
    .enablePositionalOptions();
  registerRefresh(program);
  registerRescore(program);
  registerWorker(program);
  registerTrigger(program);
  registerRuns(program);
  registerSchedule(program);
  registerSnapshots(program);
  registerServe(program);
  registerHealthcheck(program);
  return program;
}

await buildProgram().parseAsync(process.argv);

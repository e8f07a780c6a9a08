/** The `careerdata` command line: command definitions only; each calls the modules that do the work. */
import { Command } from 'commander';
import { registerRefresh } from './commands/refresh.js';
import { registerRescore } from './commands/rescore.js';

export function buildProgram(): Command {
  const program = new Command('careerdata')
    .description('Keeps occupation data fresh: fetch, validate, score and publish versioned snapshots.')
    .showHelpAfterError()
    .enablePositionalOptions();
  registerRefresh(program);
  registerRescore(program);
  return program;
}

await buildProgram().parseAsync(process.argv);

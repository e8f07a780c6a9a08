/**
 * The `careerdata` command line: command definitions only; each calls the modules that do the work.
 * The process entry point is `main.ts` at the package root: it hands in the worker's job handlers
 * (jobs/), which nothing under src/ imports.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerHealthcheck } from './commands/healthcheck.js';
import { registerRefresh } from './commands/refresh.js';
import { registerRescore } from './commands/rescore.js';
import { registerRuns } from './commands/runs.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerSnapshots } from './commands/snapshots.js';
import { registerTrigger } from './commands/trigger.js';
import { type LoadJobHandlers, registerWorker } from './commands/worker.js';
import { EXIT } from './exitCodes.js';
import { EXIT_CODES_HELP } from './help.js';

/** package.json sits two levels above src/cli (tsx) and three above dist/src/cli (built). */
function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'careerdata' && pkg.version) return pkg.version;
    } catch {
      // try the next level
    }
  }
  return 'unknown';
}

export interface ProgramOptions {
  /** The worker's job handlers, loaded only when `careerdata worker` runs. */
  loadJobHandlers?: LoadJobHandlers;
}

export function buildProgram(opts: ProgramOptions = {}): Command {
  const program = new Command('careerdata')
    .description('Keeps occupation data fresh: fetch, validate, score and publish versioned snapshots.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .enablePositionalOptions()
    // Usage errors exit 2 (commander's default is 1, which means "run failed" here).
    .exitOverride()
    .addHelpText('after', `\n${EXIT_CODES_HELP}\nEach command's --help lists the settings it reads.\n`);
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
  try {
    await buildProgram(opts).parseAsync(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // --help and --version end with exit code 0; everything else commander reports is a usage error.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
}

// Run directly (`tsx src/cli/main.ts …`): every command but `worker`, which needs main.ts.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runCli(process.argv);

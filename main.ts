/**
 * The careerdata process entry point (bin/careerdata.js runs its compiled form): the command line,
 * with the worker's job handlers registered from jobs/ (loaded only when `careerdata worker` runs).
 */
import { runCli } from './src/cli/main.js';

await runCli(process.argv, {
  loadJobHandlers: async () => (await import('./jobs/index.js')).JOB_HANDLERS,
});

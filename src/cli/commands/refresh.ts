import type { Command } from 'commander';

export interface RefreshCommandOptions {
  offline?: boolean;
  sources?: string;
  force?: boolean;
  json?: boolean;
}

export function registerRefresh(program: Command): void {
  program
    .command('refresh')
    .description('run one whole refresh in-process (no Redis) and publish a snapshot')
    .option('--offline', 'use the bundled fixtures, served from 127.0.0.1 (no network)')
    .option('--sources <list>', 'comma-separated sources to use (oews,ep,exposure,epoch,careeronestop)')
    .option(
      '--force',
      'publish even when a quality gate fails, and re-fetch CareerOneStop entries that are still fresh',
    )
    .option('--json', 'print a machine-readable summary as the last line of stdout')
    // Heavy modules load only when the command runs, so `--help` stays instant.
    .action(async (opts: RefreshCommandOptions) => (await import('./refreshAction.js')).refreshAction(opts));
}

import type { Command } from 'commander';
import { describeCommand, EVENT_SETTINGS, GATE_SETTINGS, SOURCE_SETTINGS, STORE_SETTINGS } from '../help.js';

export interface RefreshCommandOptions {
  offline?: boolean;
  sources?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerRefresh(program: Command): void {
  const cmd = program
    .command('refresh')
    .description('run one whole refresh in-process (no Redis) and publish a snapshot')
    .option('--offline', 'use the bundled fixtures, served from 127.0.0.1 (no network)')
    .option('--sources <list>', 'comma-separated sources to use (oews,ep,exposure,epoch,onet,careeronestop)')
    .option(
      '--force',
      'publish even when a quality gate fails, and re-fetch CareerOneStop entries that are still fresh',
    )
    .option('--json', 'stdout carries only one JSON object (the summary); human text goes to stderr')
    .option('--quiet', 'no progress display and no stage lines (logs and the summary remain)')
    // Heavy modules load only when the command runs, so `--help` stays instant.
    .action(async (opts: RefreshCommandOptions) => (await import('./refreshAction.js')).refreshAction(opts));
  describeCommand(
    cmd,
    [...STORE_SETTINGS, ...SOURCE_SETTINGS, ...GATE_SETTINGS, 'METHODOLOGY_VERSION', ...EVENT_SETTINGS],
    'careerdata refresh --offline --json | jq .snapshotId',
  );
}

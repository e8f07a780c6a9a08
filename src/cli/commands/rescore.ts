import type { Command } from 'commander';
import { listEpochRules } from '../../methodology/humanAdvantage/registry.js';
import { listMethodologies } from '../../methodology/registry.js';
import { describeCommand, EVENT_SETTINGS, GATE_SETTINGS, STORE_SETTINGS } from '../help.js';

export interface RescoreCommandOptions {
  from: string;
  methodology?: string;
  epochRule?: string;
  force?: boolean;
  json?: boolean;
}

export function registerRescore(program: Command): void {
  const cmd = program
    .command('rescore')
    .description(
      'rebuild a snapshot from the raw files an earlier one recorded, with the current or a chosen methodology (no network)',
    )
    .option('--from <snapshotId>', 'snapshot to derive from (an id or "latest")', 'latest')
    .option('--methodology <version>', `methodology version (known: ${listMethodologies().join(', ')})`)
    .option(
      '--epoch-rule <version>',
      `human-advantage rule applied where no manual rating exists (known: ${listEpochRules().join(', ')})`,
    )
    .option('--force', 'publish even when a quality gate fails')
    .option('--json', 'stdout carries only one JSON object (the summary); human text goes to stderr')
    .action(async (opts: RescoreCommandOptions) => (await import('./rescoreAction.js')).rescoreAction(opts));
  describeCommand(
    cmd,
    [...STORE_SETTINGS, 'METHODOLOGY_VERSION', ...GATE_SETTINGS, ...EVENT_SETTINGS],
    'careerdata rescore --from latest --methodology 2.0 --json',
  );
}

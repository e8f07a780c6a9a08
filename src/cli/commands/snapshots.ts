import type { Command } from 'commander';

/** Operator commands over the snapshot store; actions load lazily. */
export function registerSnapshots(program: Command): void {
  const snapshots = program
    .command('snapshots')
    .description('inspect, verify, diff, roll back, pin and prune published snapshots');
  const act =
    (name: string) =>
    async (...args: unknown[]) =>
      (await import('./snapshotsActions.js')).snapshotsAction(name, args);
  snapshots
    .command('list')
    .description('list snapshots, newest first')
    .option('--limit <n>', 'how many', '30')
    .option('--json', 'machine-readable output')
    .action(act('list'));
  snapshots
    .command('show')
    .description('show a snapshot manifest (or one occupation record)')
    .argument('<id>', 'snapshot id or "latest"')
    .option('--occupation <soc>', 'print this occupation’s record')
    .option('--json', 'machine-readable output')
    .action(act('show'));
  snapshots
    .command('verify')
    .description('check every file of a snapshot against the sha256 in its manifest')
    .argument('<id>', 'snapshot id or "latest"')
    .action(act('verify'));
  snapshots
    .command('diff')
    .description('compare two snapshots: added, removed and changed occupations')
    .argument('<a>', 'older snapshot id')
    .argument('<b>', 'newer snapshot id or "latest"')
    .option('--json', 'machine-readable output')
    .action(act('diff'));
  snapshots
    .command('rollback')
    .description('make an older snapshot latest (recorded with who, when and why)')
    .argument('<id>', 'snapshot id')
    .requiredOption('--reason <text>', 'why (kept in the history file)')
    .option('--who <name>', 'who (default: $USER)')
    .action(act('rollback'));
  snapshots
    .command('pin')
    .description('protect a snapshot from prune')
    .argument('<id>', 'snapshot id')
    .action(act('pin'));
  snapshots
    .command('unpin')
    .description('remove the protection of pin')
    .argument('<id>', 'snapshot id')
    .action(act('unpin'));
  snapshots
    .command('prune')
    .description('remove old snapshots (never latest, pinned ones, or anything newer than the newest kept)')
    .option('--keep <n>', 'how many of the newest to keep', '30')
    .option('--dry-run', 'say what would be removed')
    .action(act('prune'));
}

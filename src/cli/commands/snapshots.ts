import type { Command } from 'commander';
import { describeCommand, positiveInt } from '../help.js';

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
    .option('--limit <n>', 'how many', positiveInt, 30)
    .option('--json', 'stdout carries only JSON (an array)')
    .action(act('list'));
  snapshots
    .command('show')
    .description('show a snapshot manifest (or one occupation record)')
    .argument('<id>', 'snapshot id or "latest"')
    .option('--occupation <soc>', 'print this occupation’s record')
    .option('--json', 'stdout carries only JSON')
    .action(act('show'));
  snapshots
    .command('verify')
    .description('check every file of a snapshot against the sha256 in its manifest')
    .argument('<id>', 'snapshot id or "latest"')
    .option('--json', 'stdout carries only one JSON object')
    .action(act('verify'));
  snapshots
    .command('diff')
    .description('compare two snapshots: added, removed and changed occupations')
    .argument('<a>', 'older snapshot id')
    .argument('<b>', 'newer snapshot id or "latest"')
    .option('--json', 'stdout carries only JSON')
    .action(act('diff'));
  snapshots
    .command('rollback')
    .description('make an older snapshot latest (recorded with who, when and why)')
    .argument('<id>', 'snapshot id')
    .requiredOption('--reason <text>', 'why (kept in the history file)')
    .option('--who <name>', 'who (default: $USER)')
    .option('--json', 'stdout carries only one JSON object')
    .action(act('rollback'));
  snapshots
    .command('pin')
    .description('protect a snapshot from prune')
    .argument('<id>', 'snapshot id')
    .option('--json', 'stdout carries only one JSON object')
    .action(act('pin'));
  snapshots
    .command('unpin')
    .description('remove the protection of pin')
    .argument('<id>', 'snapshot id')
    .option('--json', 'stdout carries only one JSON object')
    .action(act('unpin'));
  snapshots
    .command('prune')
    .description('remove old snapshots (never latest, pinned ones, or anything newer than the newest kept)')
    .option('--keep <n>', 'how many of the newest to keep', positiveInt, 30)
    .option('--dry-run', 'say what would be removed')
    .option('--json', 'stdout carries only one JSON object')
    .action(act('prune'));
  const examples: Record<string, string> = {
    list: 'careerdata snapshots list --limit 5',
    show: 'careerdata snapshots show latest --occupation 29-2072',
    verify: 'careerdata snapshots verify latest',
    diff: 'careerdata snapshots diff 20261126T030000Z-1a2b3c4d latest --json',
    rollback: 'careerdata snapshots rollback 20261126T030000Z-1a2b3c4d --reason "wage shift under review"',
    pin: 'careerdata snapshots pin 20261126T030000Z-1a2b3c4d',
    unpin: 'careerdata snapshots unpin 20261126T030000Z-1a2b3c4d',
    prune: 'careerdata snapshots prune --keep 30 --dry-run',
  };
  for (const sub of snapshots.commands) {
    const events = ['rollback'].includes(sub.name())
      ? ['REDIS_URL', 'EVENTS_STREAM', 'WEBHOOK_URLS', 'WEBHOOK_SECRET']
      : [];
    describeCommand(
      sub,
      ['SNAPSHOT_DIR', ...events],
      examples[sub.name()] ?? `careerdata snapshots ${sub.name()}`,
    );
  }
}

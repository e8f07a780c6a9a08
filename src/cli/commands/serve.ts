import type { Command } from 'commander';
import { describeCommand, QUEUE_SETTINGS } from '../help.js';

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description(
      'run the HTTP API over the snapshots (HOST, PORT); with ADMIN_TOKEN also the operator console at /admin',
    )
    .action(async () => (await import('./serveAction.js')).serveAction());
  describeCommand(
    cmd,
    [
      'HOST',
      'PORT',
      'SNAPSHOT_DIR',
      'RUNS_DIR',
      'ADMIN_TOKEN',
      'ADMIN_QUEUES_WRITABLE',
      'MAX_SNAPSHOT_AGE',
      ...QUEUE_SETTINGS,
    ],
    'careerdata serve   # with ADMIN_TOKEN set, open http://127.0.0.1:8080/admin',
  );
}

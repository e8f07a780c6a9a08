import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the read-only HTTP API over the snapshots (HOST, PORT)')
    .action(async () => (await import('./serveAction.js')).serveAction());
}

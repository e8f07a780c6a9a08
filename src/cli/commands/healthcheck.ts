import type { Command } from 'commander';

export function registerHealthcheck(program: Command): void {
  program
    .command('healthcheck')
    .description(
      "liveness of a worker in the same container: Redis answers and the worker's heartbeat is recent (exit 0 healthy, 1 not)",
    )
    .action(async () => (await import('./healthcheckAction.js')).healthcheckAction());
}

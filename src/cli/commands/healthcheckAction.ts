import { errorMessage } from '../../errors.js';
import { closeRedis, producerRedis, waitForRedis } from '../../queue/wiring/connection.js';
import { HEARTBEAT_MAX_AGE_MS, heartbeatAgeMs } from '../../queue/worker/heartbeat.js';
import { cliContext, EXIT } from '../context.js';

/** One line on stdout either way (a container runtime keeps it with the health status). */
export async function healthcheckAction(): Promise<void> {
  const cli = await cliContext({ checkSources: false });
  const redis = producerRedis(cli.config.REDIS_URL!, 'careerdata-healthcheck', { retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await waitForRedis(redis, cli.config.REDIS_URL!, 3_000);
    await redis.ping();
    const file = cli.config.HEARTBEAT_FILE;
    const age = await heartbeatAgeMs(file);
    if (age === undefined || age > HEARTBEAT_MAX_AGE_MS) {
      const what =
        age === undefined ? `no heartbeat at ${file}` : `last heartbeat ${Math.round(age / 1000)} s ago`;
      process.stdout.write(`unhealthy: ${what}; the worker is not taking jobs\n`);
      process.exitCode = EXIT.failed;
      return;
    }
    process.stdout.write(`healthy: Redis answers, last heartbeat ${Math.round(age / 1000)} s ago\n`);
    process.exitCode = EXIT.ok;
  } catch (err) {
    process.stdout.write(`unhealthy: ${errorMessage(err)}\n`);
    process.exitCode = EXIT.failed;
  } finally {
    await closeRedis(redis);
    await cli.close();
  }
}

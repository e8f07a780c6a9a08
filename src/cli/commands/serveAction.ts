import path from 'node:path';
import { startApi } from '../../api/server.js';
import { SnapshotStore } from '../../store/snapshotStore.js';
import { cliContext } from '../context.js';

export async function serveAction(): Promise<void> {
  const cli = await cliContext({ checkSources: false });
  const store = new SnapshotStore({ dir: path.resolve(cli.config.SNAPSHOT_DIR), log: cli.log });
  const admin =
    cli.config.ADMIN_TOKEN || cli.config.redisConfigured
      ? { config: cli.config, store, log: cli.log }
      : undefined;
  const api = await startApi({
    store,
    log: cli.log,
    host: cli.config.HOST,
    port: cli.config.PORT,
    corsOrigins: cli.config.CORS_ORIGINS,
    accessLogLevel: cli.config.ACCESS_LOG_LEVEL,
    publicUrls: cli.config.API_PUBLIC_URLS,
    ...(admin ? { admin } : {}),
  });
  process.stdout.write(`careerdata API listening on ${api.url}\n`);
  if (cli.config.ADMIN_TOKEN) process.stdout.write(`operator console at ${api.url}/admin\n`);
  const stop = async (signal: string) => {
    cli.log.info({ signal }, 'shutting down the API');
    await api.close();
    await cli.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

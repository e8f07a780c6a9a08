/** What every command needs: validated config and a logger (secrets scrubbed). */
import { existsSync } from 'node:fs';
import { type Config, ConfigError, type ConfigOverrides, loadConfig, secretValues } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { type OfflineEnvironment, startOfflineEnvironment } from '../offline/offlineEnvironment.js';
import { installFatalHandlers } from '../processGuard.js';
import { EXIT } from './exitCodes.js';

export interface CliContext {
  config: Config;
  log: Logger;
  offline?: OfflineEnvironment;
  close(): Promise<void>;
}

export { EXIT } from './exitCodes.js';

function loadDotEnv(): void {
  // An optional .env in the working directory; real environment variables win.
  if (existsSync('.env')) process.loadEnvFile('.env');
}

export async function cliContext(opts: {
  sources?: string | undefined;
  offline?: boolean;
  /** False for commands that fetch nothing: source settings are not required. */
  checkSources?: boolean;
  /** Where finished log lines go instead of stderr (the refresh progress display). */
  logSink?: (line: string) => void;
}): Promise<CliContext> {
  loadDotEnv();
  const overrides: ConfigOverrides = {};
  if (opts.sources) overrides.sources = opts.sources.split(',').map((s) => s.trim());
  if (opts.checkSources === false) overrides.checkSources = false;
  let env: Record<string, string | undefined> = process.env;
  let offline: OfflineEnvironment | undefined;
  if (opts.offline) {
    offline = await startOfflineEnvironment();
    const explicit = new Set(Object.keys(process.env));
    const fixtureEnv = Object.fromEntries(
      Object.entries(offline.env).filter(([k]) => k !== 'MIN_DETAILED_OCCUPATIONS' || !explicit.has(k)),
    );
    env = { ...process.env, ...fixtureEnv };
  }
  let config: Config;
  try {
    config = loadConfig(env, overrides);
  } catch (err) {
    await offline?.close();
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(EXIT.usage);
    }
    throw err;
  }
  const log = createLogger({
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    secrets: secretValues(config),
    ...(opts.logSink ? { sink: opts.logSink } : {}),
  });
  for (const warning of config.warnings) log.warn(warning);
  installFatalHandlers(log, `careerdata ${process.argv[2] ?? ''}`.trim());
  return {
    config,
    log,
    ...(offline ? { offline } : {}),
    close: async () => {
      await offline?.close();
      log.flush?.();
    },
  };
}

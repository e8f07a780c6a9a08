import path from 'node:path';
import { silentLogger } from '../../log.js';
import { notifierFromConfig } from '../../notify/notifier.js';
import { createCommandRedis } from '../../pipeline/embeddedRunIO.js';
import { rollbackSnapshot } from '../../pipeline/publish/rollbackSnapshot.js';
import { SnapshotStore } from '../../store/snapshotStore.js';
import { cliContext, EXIT } from '../context.js';

type Opts = Record<string, string | number | boolean | undefined>;

const out = (v: unknown): void => {
  process.stdout.write(`${typeof v === 'string' ? v : JSON.stringify(v, null, 2)}\n`);
};

export async function snapshotsAction(name: string, args: unknown[]): Promise<void> {
  // commander passes positional arguments, then the options object, then the command.
  const positional = args.slice(0, -2) as string[];
  const opts = (args[args.length - 2] ?? {}) as Opts;
  const cli = await cliContext({ checkSources: false });
  const redis =
    cli.config.redisConfigured && cli.config.REDIS_URL ? createCommandRedis(cli.config.REDIS_URL) : undefined;
  redis?.on('error', () => {});
  const store = new SnapshotStore({
    dir: path.resolve(cli.config.SNAPSHOT_DIR),
    log: cli.log,
    ...(redis ? { redis } : {}),
  });
  try {
    switch (name) {
      case 'list': {
        const list = await store.list({ limit: Number(opts.limit ?? 30) });
        if (opts.json) return out(list);
        if (list.length === 0) return out('no snapshots yet');
        for (const s of list) {
          const flags = [
            s.latest ? 'latest' : '',
            s.pinned ? 'pinned' : '',
            s.forced ? 'forced' : '',
            s.derivedFrom ? `from ${s.derivedFrom}` : '',
          ]
            .filter(Boolean)
            .join(', ');
          out(
            `${s.id}  ${String(s.counts.occupations).padStart(5)} occupations  +${s.diffSummary.added} -${s.diffSummary.removed} ~${s.diffSummary.changed}` +
              `  methodology ${s.methodology ?? '-'}${flags ? `  (${flags})` : ''}`,
          );
        }
        return;
      }
      case 'show': {
        const id = await store.resolve(positional[0]!);
        if (opts.occupation) {
          const rec = await store.record(id, String(opts.occupation));
          if (!rec) {
            process.stderr.write(`no occupation ${opts.occupation} in snapshot ${id}\n`);
            process.exitCode = EXIT.failed;
            return;
          }
          return out(rec);
        }
        const manifest = await store.manifest(id);
        if (opts.json) return out(manifest);
        const s = await store.summary(id);
        out(`snapshot ${id}${s.latest ? ' (latest)' : ''}${s.pinned ? ' (pinned)' : ''}`);
        out(
          `  created ${s.createdAt}, parent ${s.parent ?? '-'}, schema ${s.schemaVersion}, methodology ${s.methodology ?? '-'}`,
        );
        out(`  counts ${JSON.stringify(s.counts)}`);
        out(`  releases ${JSON.stringify(s.releases)}`);
        out(`  diff vs parent: +${s.diffSummary.added} -${s.diffSummary.removed} ~${s.diffSummary.changed}`);
        return;
      }
      case 'verify': {
        const r = await store.verify(positional[0]!);
        if (opts.json) {
          out(r);
          if (!r.ok) process.exitCode = EXIT.failed;
          return;
        }
        if (r.ok) out(`ok: ${r.checkedFiles} files, ${r.occupations} occupations match the manifest`);
        else {
          process.stderr.write(`verification failed:\n  ${r.problems.join('\n  ')}\n`);
          process.exitCode = EXIT.failed;
        }
        return;
      }
      case 'diff': {
        const [a, b] = [await store.resolve(positional[0]!), await store.resolve(positional[1]!)];
        const d = await store.diff(a, b);
        if (opts.json) return out(d);
        out(`${a} → ${b}: ${JSON.stringify(d.summary)}`);
        if (d.added.length) out(`  added: ${d.added.join(', ')}`);
        if (d.removed.length) out(`  removed: ${d.removed.join(', ')}`);
        for (const c of d.changed.slice(0, 50)) {
          out(
            `  ${c.soc}: ${c.changes.map((f) => `${f.path} ${JSON.stringify(f.old)} → ${JSON.stringify(f.new)}`).join('; ')}`,
          );
        }
        if (d.changed.length > 50) out(`  … ${d.changed.length - 50} more (use --json)`);
        return;
      }
      case 'rollback': {
        const notifier = notifierFromConfig(cli.config, { log: silentLogger, redis });
        const r = await rollbackSnapshot(store, positional[0]!, {
          who: String(opts.who ?? process.env.USER ?? 'unknown'),
          why: String(opts.reason),
          notifier,
        });
        await notifier.close();
        if (opts.json) return out({ snapshotId: r.snapshotId, previousId: r.previousId, changed: r.changed });
        out(
          r.changed
            ? `latest is now ${r.snapshotId} (was ${r.previousId ?? '-'})`
            : `${r.snapshotId} is already latest`,
        );
        return;
      }
      case 'pin':
        await store.pin(positional[0]!, { who: process.env.USER ?? 'unknown' });
        return out(opts.json ? { pinned: positional[0] } : `pinned ${positional[0]}`);
      case 'unpin':
        await store.unpin(positional[0]!, { who: process.env.USER ?? 'unknown' });
        return out(opts.json ? { unpinned: positional[0] } : `unpinned ${positional[0]}`);
      case 'prune': {
        const r = await store.prune({ keep: Number(opts.keep ?? 30), dryRun: Boolean(opts.dryRun) });
        if (opts.json) return out({ dryRun: Boolean(opts.dryRun), ...r });
        out(
          `${opts.dryRun ? 'would remove' : 'removed'} ${r.removed.length}: ${r.removed.join(', ') || '-'}; kept ${r.kept.length}`,
        );
        return;
      }
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = EXIT.failed;
  } finally {
    redis?.disconnect();
    await cli.close();
  }
}

/** The console's pages: view models in, escaped HTML out (pure; plugin.ts gathers the data). */
import type { GateCheck } from '../../model/gateReport.js';
import type { ScheduleView } from '../../queue/wiring/schedule.js';
import type { SnapshotDiff } from '../../store/diff.js';
import type { Manifest } from '../../store/manifest.js';
import type { SnapshotSummary } from '../../store/snapshotReader.js';
import type { ConsoleAction } from './audit.js';
import { CONSOLE_PATH, type Html, html } from './html.js';
import { careerOneStopEta, durationMs, type RunView } from './runsView.js';

export const REJECTS_SHOWN = 100;

export function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

const time = (iso: string | null | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : '–');
const status = (s: string) => html`<span class="status ${s}">${s}</span>`;
const runLink = (id: string) => html`<a class="mono" href="${CONSOLE_PATH}/runs/${id}">${id}</a>`;
const snapLink = (id: string | null) =>
  id ? html`<a class="mono" href="${CONSOLE_PATH}/snapshots/${id}/diff">${id}</a>` : '–';
const bytes = (n: number) =>
  n >= 1_048_576
    ? `${(n / 1_048_576).toFixed(1)} MiB`
    : n >= 1024
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${n} B`;

export interface NowData {
  now: number;
  latest: Manifest | null;
  maxAgeMs: number;
  active: RunView | null;
  schedule: ScheduleView | null;
  timezone: string;
}

function inZone(iso: string | null, tz: string): string {
  if (!iso) return '–';
  return `${new Date(iso).toLocaleString('en-US', { timeZone: tz, timeZoneName: 'short' })}`;
}

export function nowSection(d: NowData): Html {
  const l = d.latest;
  const age = l ? d.now - Date.parse(l.createdAt) : null;
  const snapshot = l
    ? html`<dl>
<dt>latest snapshot</dt><dd>${snapLink(l.id)}</dd>
<dt>published at</dt><dd>${time(l.createdAt)} UTC</dd>
<dt>age</dt><dd>${ago(age ?? 0)} of at most ${ago(d.maxAgeMs)} ${age !== null && age > d.maxAgeMs ? status('stale') : status('fresh')}</dd>
<dt>occupations</dt><dd>${l.counts.occupations}</dd>
<dt>schema version</dt><dd>${l.schemaVersion}</dd>
<dt>methodology</dt><dd>${l.methodology ?? '–'}</dd>
</dl>`
    : html`<p>No snapshot has been published yet.</p>`;
  const a = d.active;
  let activeHtml: Html;
  if (!a) activeHtml = html`<p>No refresh is queued or running.</p>`;
  else {
    const current = [...a.stages].reverse().find((s) => s.state === 'active' || s.state === 'retrying');
    const c = a.careeronestop;
    const eta = careerOneStopEta(a, d.now);
    activeHtml = html`<dl>
<dt>run</dt><dd>${runLink(a.runId)} ${status(a.status)}</dd>
<dt>stage</dt><dd>${current?.name ?? (a.status === 'queued' ? 'waiting for a worker' : '–')}</dd>
${
  c
    ? html`<dt>CareerOneStop</dt><dd><progress max="${c.total}" value="${c.done + c.failed}"></progress> ${c.done + c.failed}/${c.total}${eta !== null ? html` · ETA ${ago(eta)}` : ''}</dd>`
    : ''
}
<dt>running for</dt><dd>${ago(durationMs(a, d.now) ?? 0)}</dd>
</dl>`;
  }
  const s = d.schedule;
  const tz = s?.tz ?? d.timezone;
  const scheduleHtml = s
    ? html`<p>Next scheduled run: ${s.paused ? 'paused' : html`<strong>${inZone(s.next, tz)}</strong> (${tz}, cron <code>${s.cron ?? '–'}</code>)`}</p>`
    : html`<p>Schedule unavailable.</p>`;
  return html`<section id="now"><h2>Now</h2>${snapshot}<h3>Refresh</h3>${activeHtml}${scheduleHtml}</section>`;
}

export interface SourceRow {
  source: string;
  release: string;
  fetchedAt: string | null;
  lastChanged: string | null;
  bytes: number | null;
  sha256: string | null;
  validators: string;
  read: number | null;
  kept: number | null;
  rejected: number | null;
  state: 'fresh' | 'stale' | 'failed';
  stateDetail: string;
}

/** One row per source, from the latest manifest and the last run. */
export function sourceRows(
  latest: Manifest | null,
  lastRun: RunView | null,
  now: number,
  maxAgeMs: number,
): SourceRow[] {
  if (!latest) return [];
  const rows: SourceRow[] = [];
  const failedFetch = new Map<string, string>();
  if (lastRun?.status === 'failed') {
    for (const s of lastRun.stages)
      if (s.state === 'failed' && s.name.startsWith('fetch:'))
        failedFetch.set(s.name.slice(6), s.error ?? 'failed');
    if (lastRun.failedStage?.startsWith('fetch:') && lastRun.error)
      failedFetch.set(lastRun.failedStage.slice(6), lastRun.error);
  }
  for (const [source, files] of Object.entries(latest.sources)) {
    const q = latest.quality.sources[source];
    const fetched = files.map((f) => f.fetchedAt).sort()[0] ?? null;
    const age = fetched ? now - Date.parse(fetched) : Number.POSITIVE_INFINITY;
    const failed = failedFetch.get(source);
    rows.push({
      source,
      release: (latest.releases[source] ?? []).join(', ') || '–',
      fetchedAt: fetched,
      lastChanged: files.map((f) => f.lastModified).find(Boolean) ?? null,
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      sha256: files.length === 1 ? files[0]!.sha256.slice(0, 12) : `${files.length} files`,
      validators:
        [files.some((f) => f.etag) ? 'ETag' : '', files.some((f) => f.lastModified) ? 'Last-Modified' : '']
          .filter(Boolean)
          .join(' + ') || 'none',
      read: q?.read ?? null,
      kept: q?.kept ?? null,
      rejected: q?.rejected ?? null,
      state: failed ? 'failed' : age > maxAgeMs ? 'stale' : 'fresh',
      stateDetail: failed ? failed : age > maxAgeMs ? `fetched ${ago(age)} ago` : '',
    });
  }
  const careerOneStop = latest.quality.careeronestop as
    | { records?: Record<string, number>; stopped?: string }
    | undefined;
  if (careerOneStop?.records) {
    const r = careerOneStop.records;
    const stale = (r.stale ?? 0) + (r.failed ?? 0);
    rows.push({
      source: 'careeronestop',
      release: 'API',
      fetchedAt: null,
      lastChanged: null,
      bytes: null,
      sha256: null,
      validators: `stored responses ≤ CAREERONESTOP_MAX_AGE`,
      read: Object.values(r).reduce((n, v) => n + v, 0),
      kept: (r.fresh ?? 0) + (r.reused ?? 0),
      rejected: null,
      state: careerOneStop.stopped ? 'failed' : stale > 0 ? 'stale' : 'fresh',
      stateDetail:
        careerOneStop.stopped ?? (stale > 0 ? `${stale} occupation(s) served from older data` : ''),
    });
  }
  return rows;
}

export function sourcesSection(rows: SourceRow[]): Html {
  if (rows.length === 0) return html`<section id="sources"><h2>Sources</h2><p>No snapshot yet.</p></section>`;
  return html`<section id="sources"><h2>Sources</h2><div class="scroll"><table>
<thead><tr><th>source</th><th>state</th><th>release</th><th>fetched at</th><th>last changed</th><th>bytes</th><th>sha256</th><th>validators</th><th>rows read</th><th>kept</th><th>rejected</th></tr></thead>
<tbody>${rows.map(
    (
      r,
    ) => html`<tr><td>${r.source}</td><td>${status(r.state)} ${r.stateDetail}</td><td>${r.release}</td><td>${time(r.fetchedAt)}</td><td>${r.lastChanged ?? '–'}</td>
<td class="num">${r.bytes === null ? '–' : bytes(r.bytes)}</td><td class="mono">${r.sha256 ?? '–'}</td><td>${r.validators}</td>
<td class="num">${r.read ?? '–'}</td><td class="num">${r.kept ?? '–'}</td><td class="num">${r.rejected ?? '–'}</td></tr>`,
  )}</tbody></table></div></section>`;
}

function stageTimings(r: RunView): string {
  return Object.entries(r.durations)
    .filter(([k]) => !k.includes(':'))
    .map(([k, v]) => `${k} ${((v ?? 0) / 1000).toFixed(1)}s`)
    .join(' · ');
}

export function runsTable(runs: RunView[], now: number): Html {
  if (runs.length === 0) return html`<p>No runs yet.</p>`;
  return html`<div class="scroll"><table>
<thead><tr><th>run</th><th>trigger</th><th>started by</th><th>started (UTC)</th><th>took</th><th>status</th><th>snapshot</th><th>stage timings</th></tr></thead>
<tbody>${runs.map((r) => {
    const took = durationMs(r, now);
    return html`<tr><td>${runLink(r.runId)}</td><td>${r.trigger}${r.force ? ' (force)' : ''}</td><td>${r.startedBy}</td><td>${time(r.startedAt ?? r.queuedAt)}</td>
<td class="num">${took === null ? '–' : ago(took)}</td><td>${status(r.status)}</td><td>${snapLink(r.snapshotId)}</td><td>${stageTimings(r)}</td></tr>`;
  })}</tbody></table></div>`;
}

function gateSection(checks: GateCheck[]): Html {
  const failed = checks.filter((c) => c.status === 'fail');
  return html`<h2>Quality gates</h2>${failed.length ? html`<p class="error">${failed.length} gate(s) failed: the candidate was not published.</p>` : ''}
<div class="scroll"><table><thead><tr><th>gate</th><th>status</th><th>threshold</th><th>observed</th><th>what it saw</th><th>examples</th></tr></thead><tbody>
${[...checks.filter((c) => c.status === 'fail'), ...checks.filter((c) => c.status !== 'fail')].map((c) => {
  const d = (c.details ?? {}) as {
    largest?: { soc: string; old: unknown; new: unknown }[];
    missingSample?: string[];
  };
  const examples = d.largest?.length
    ? d.largest
        .slice(0, 10)
        .map((x) => html`<div class="mono">${x.soc}: ${String(x.old)} → ${String(x.new)}</div>`)
    : d.missingSample?.length
      ? html`<div class="mono">${d.missingSample.slice(0, 10).join(', ')}</div>`
      : '';
  return html`<tr><td>${c.name}${c.source ? ` (${c.source})` : ''}</td><td>${status(c.status)}</td><td class="num">${c.threshold}</td>
<td class="num">${c.observed === null ? '–' : Number(c.observed.toFixed(4))}</td><td>${c.message}</td><td>${examples}</td></tr>`;
})}</tbody></table></div>`;
}

export function runPage(r: RunView, now: number): Html {
  const failure =
    r.status === 'failed'
      ? html`<section><h2>Why it failed</h2><p class="error"><strong>${r.failedStage ?? 'run'}</strong>: ${r.error ?? 'no reason recorded'}</p></section>`
      : '';
  const q = r.quality;
  const rejects = q?.rejects ?? [];
  return html`<section><dl>
<dt>status</dt><dd>${status(r.status)}</dd>
<dt>trigger</dt><dd>${r.trigger}${r.force ? ' (force)' : ''} · ${r.driver === 'worker' ? 'queued (workers)' : 'embedded (careerdata refresh)'}</dd>
<dt>started by</dt><dd>${r.startedBy}</dd>
<dt>sources</dt><dd>${r.sources.join(', ')}</dd>
<dt>queued / started / finished</dt><dd>${time(r.queuedAt)} / ${time(r.startedAt)} / ${time(r.finishedAt)} UTC</dd>
<dt>snapshot</dt><dd>${snapLink(r.snapshotId)}${r.previousId ? html` (previous ${snapLink(r.previousId)})` : ''}</dd>
<dt>took</dt><dd>${ago(durationMs(r, now) ?? 0)}</dd>
</dl></section>
${failure}
<section><h2>Stage timeline</h2><div class="scroll"><table class="timeline"><thead><tr><th>stage</th><th>state</th><th>started</th><th>took</th><th>attempt</th><th>worker</th><th>error</th></tr></thead><tbody>
${r.stages.map(
  (
    s,
  ) => html`<tr><td>${s.name}</td><td>${status(s.state)}</td><td>${time(s.startedAt)}</td><td class="num">${s.ms === null ? '–' : `${(s.ms / 1000).toFixed(2)} s`}</td>
<td class="num">${s.attempt ?? '–'}</td><td class="mono">${s.worker ?? ''}</td><td class="error">${s.error ?? ''}</td></tr>`,
)}</tbody></table></div>
${r.careeronestop ? html`<p>CareerOneStop: ${r.careeronestop.total} occupations as jobs, ${r.careeronestop.done} done, ${r.careeronestop.failed} failed.</p>` : ''}</section>
${r.gateReport ? html`<section>${gateSection(r.gateReport.checks)}</section>` : ''}
<section><h2>Quality report</h2>${
    q
      ? html`<div class="scroll"><table><thead><tr><th>source</th><th>rows read</th><th>kept</th><th>rejected</th><th>reasons</th></tr></thead><tbody>
${Object.entries(q.sources).map(
  ([
    source,
    c,
  ]) => html`<tr><td>${source}</td><td class="num">${c.read}</td><td class="num">${c.kept}</td><td class="num">${c.rejected}</td>
<td>${Object.entries(c.byReason)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ')}</td></tr>`,
)}</tbody></table></div>
${q.scoring ? html`<p>Resilience: ${q.scoring.scored} scored, ${q.scoring.unscored} unscored.</p>` : ''}
${q.warnings.length ? html`<ul>${q.warnings.map((w) => html`<li>[${w.source}] ${w.message}</li>`)}</ul>` : ''}`
      : html`<p>No quality report (the run ended before reading its sources).</p>`
  }</section>
<section id="rejected"><h2>Rejected rows (${rejects.length})</h2>${
    rejects.length
      ? html`<p>${rejects.length > REJECTS_SHOWN ? `First ${REJECTS_SHOWN} of ${rejects.length}. ` : ''}<a href="${CONSOLE_PATH}/runs/${r.runId}/rejects.ndjson">Download all (NDJSON)</a></p>
<div class="scroll"><table><thead><tr><th>source</th><th>file</th><th>row</th><th>field</th><th>expected</th><th>got</th><th>reason</th></tr></thead><tbody>
${rejects
  .slice(0, REJECTS_SHOWN)
  .map(
    (x) =>
      html`<tr><td>${x.source}</td><td class="mono">${x.file ?? ''}</td><td class="num">${x.row}</td><td class="mono">${x.field}</td><td>${x.expected}</td><td class="mono">${x.got}</td><td>${x.reason}</td></tr>`,
  )}</tbody></table></div>`
      : html`<p>None.</p>`
  }</section>`;
}

export function diffPage(diff: SnapshotDiff, snapshots: SnapshotSummary[]): Html {
  const s = diff.summary;
  const examples = diff.changed.slice(0, 25);
  return html`<section><p>${diff.from ? html`From ${snapLink(diff.from)} to ` : 'First snapshot: '}${snapLink(diff.to)}</p>
<dl><dt>added</dt><dd>${s.added}</dd><dt>removed</dt><dd>${s.removed}</dd><dt>changed</dt><dd>${s.changed}</dd><dt>unchanged</dt><dd>${s.unchanged}</dd></dl>
${
  Object.keys(s.fields).length
    ? html`<h3>Changed fields (occupations)</h3><div class="scroll"><table><thead><tr><th>field</th><th>occupations</th></tr></thead><tbody>${Object.entries(
        s.fields,
      )
        .sort(([, a], [, b]) => b - a)
        .map(
          ([f, n]) => html`<tr><td class="mono">${f}</td><td class="num">${n}</td></tr>`,
        )}</tbody></table></div>`
    : ''
}
${diff.added.length ? html`<h3>Added</h3><p class="mono">${diff.added.slice(0, 100).join(', ')}${diff.added.length > 100 ? ` … ${diff.added.length - 100} more` : ''}</p>` : ''}
${diff.removed.length ? html`<h3>Removed</h3><p class="mono">${diff.removed.slice(0, 100).join(', ')}</p>` : ''}
${
  examples.length
    ? html`<h3>Examples</h3><div class="scroll"><table><thead><tr><th>occupation</th><th>changes</th></tr></thead><tbody>${examples.map(
        (c) =>
          html`<tr><td><span class="mono">${c.soc}</span> ${c.title}</td><td>${c.changes
            .slice(0, 5)
            .map(
              (f) =>
                html`<div class="mono">${f.path}: ${JSON.stringify(f.old) ?? '∅'} → ${JSON.stringify(f.new) ?? '∅'}</div>`,
            )}${c.changeCount > 5 ? html`<div>… ${c.changeCount - 5} more</div>` : ''}</td></tr>`,
      )}</tbody></table></div>`
    : ''
}</section>
<section><h2>Every snapshot's diff against its parent</h2><div class="scroll"><table><thead><tr><th>snapshot</th><th>created</th><th>occupations</th><th>+ / − / ~</th><th></th></tr></thead><tbody>
${snapshots.map(
  (
    x,
  ) => html`<tr><td>${snapLink(x.id)}</td><td>${time(x.createdAt)}</td><td class="num">${x.counts.occupations}</td>
<td>+${x.diffSummary.added} −${x.diffSummary.removed} ~${x.diffSummary.changed}</td><td>${[x.latest ? 'latest' : '', x.pinned ? 'pinned' : '', x.forced ? 'forced' : ''].filter(Boolean).join(', ')}</td></tr>`,
)}</tbody></table></div></section>`;
}

export function actionsPage(
  snapshots: SnapshotSummary[],
  sources: readonly string[],
  history: ConsoleAction[],
  who: string,
): Html {
  const options = snapshots.map(
    (s) =>
      html`<option value="${s.id}">${s.id}${s.latest ? ' (latest)' : ''}${s.pinned ? ' (pinned)' : ''}</option>`,
  );
  const whoField = html`<label>who <input type="text" name="who" value="${who}" required maxlength="100"></label>`;
  return html`<section><h2>Trigger a refresh</h2><form method="post" action="${CONSOLE_PATH}/actions/refresh">
<fieldset class="inline"><legend>sources</legend>${sources.map((s) => html`<label><input type="checkbox" name="sources" value="${s}" checked> ${s}</label>`)}</fieldset>
<label class="inline"><span><input type="checkbox" name="force" value="true"> force (publish through a failed gate, re-fetch fresh CareerOneStop entries)</span></label>
${whoField}<label>why <input type="text" name="why" maxlength="500" placeholder="optional"></label>
<button type="submit">Trigger refresh…</button></form></section>
<section><h2>Roll back</h2><form method="post" action="${CONSOLE_PATH}/actions/rollback">
<label>snapshot <select name="id" required>${options}</select></label>
${whoField}<label>reason (required) <input type="text" name="why" required minlength="3" maxlength="500"></label>
<button type="submit" class="danger">Roll back…</button></form></section>
<section><h2>Pin / unpin</h2><form method="post" action="${CONSOLE_PATH}/actions/pin">
<label>snapshot <select name="id" required>${options}</select></label>
<fieldset class="inline"><legend>action</legend><label><input type="radio" name="mode" value="pin" checked> pin</label><label><input type="radio" name="mode" value="unpin"> unpin</label></fieldset>
${whoField}<label>why <input type="text" name="why" maxlength="500" placeholder="optional"></label>
<button type="submit">Continue…</button></form></section>
<section><h2>Recent actions</h2>${
    history.length
      ? html`<div class="scroll"><table><thead><tr><th>at (UTC)</th><th>who</th><th>action</th><th>target</th><th>why</th></tr></thead><tbody>${history.map(
          (a) =>
            html`<tr><td>${time(a.at)}</td><td>${a.who}</td><td>${a.action}</td><td class="mono">${a.action === 'refresh' ? runLink(a.target) : a.target}</td><td>${a.why}</td></tr>`,
        )}</tbody></table></div>`
      : html`<p>None yet.</p>`
  }</section>`;
}

/** The confirmation step: what will happen, the same fields again, and Confirm / Cancel. */
export function confirmPage(
  action: string,
  summary: string,
  fields: Record<string, string | string[]>,
): Html {
  const hidden = Object.entries(fields).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x) => html`<input type="hidden" name="${k}" value="${x}">`),
  );
  return html`<section><p><strong>${summary}</strong></p><form method="post" action="${CONSOLE_PATH}/actions/${action}">
${hidden}<input type="hidden" name="confirm" value="yes">
<div class="inline"><button type="submit" class="danger">Confirm</button> <a href="${CONSOLE_PATH}/actions">Cancel</a></div></form></section>`;
}

/** The benchmark table: one line per figure, with the baseline measured in the same run and the ratio. */

export interface BenchLine {
  /** "1a", "2", … (the numbering of docs/performance.md). */
  id: string;
  measure: string;
  figure: string;
  baseline: string;
  /** figure ÷ baseline in the goal's direction; null when there is nothing to divide. */
  ratio: number | null;
  goal: string;
  /** null: no goal on this line, or not measured. */
  met: boolean | null;
  notes?: string[];
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0)} MB`;
export const mib = (kib: number | undefined) =>
  kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`;
export const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
export const perSec = (n: number, ms: number) => n / (ms / 1000);
export function rate(n: number, unit: string): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M ${unit}`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k ${unit}`;
  return `${n.toFixed(0)} ${unit}`;
}
export const ratioText = (r: number | null) =>
  r === null || !Number.isFinite(r) ? '—' : `${r.toFixed(r < 0.1 ? 3 : 2)}×`;

/** A line whose measurement could not be made, saying why (never an invented figure). */
export function notAvailable(id: string, measure: string, goal: string, reason: string): BenchLine {
  return { id, measure, figure: `not available: ${reason}`, baseline: '—', ratio: null, goal, met: null };
}

const verdict = (met: boolean | null) => (met === null ? '' : met ? 'met' : 'MISSED');

/** Fixed-width text table; notes are printed under it, keyed by line id. */
export function formatTable(lines: BenchLine[]): string {
  const head = ['#', 'measure', 'figure', 'baseline (same run)', 'ratio', 'goal', ''];
  const rows = lines.map((l) => [
    l.id,
    l.measure,
    l.figure,
    l.baseline,
    ratioText(l.ratio),
    l.goal,
    verdict(l.met),
  ]);
  const widths = head.map((h, i) => Math.min(64, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  const out = [fmt(head), rule, ...rows.map(fmt)];
  const notes = lines.flatMap((l) => {
    const long = [l.figure, l.baseline].filter((c) => c.length > 64);
    return [...long, ...(l.notes ?? [])].map((n) => `  [${l.id}] ${n}`);
  });
  if (notes.length > 0) out.push('', 'Notes:', ...notes);
  return out.join('\n');
}

/** GitHub-flavoured Markdown of the same table (for docs/performance.md). */
export function markdownTable(lines: BenchLine[]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    '| # | measure | figure | baseline (same run) | ratio | goal | |',
    '|---|---|---|---|---|---|---|',
    ...lines.map(
      (l) =>
        `| ${l.id} | ${esc(l.measure)} | ${esc(l.figure)} | ${esc(l.baseline)} | ${ratioText(l.ratio)} | ${esc(l.goal)} | ${verdict(l.met)} |`,
    ),
  ].join('\n');
}

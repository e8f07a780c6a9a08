/**
 * Small pure helpers for CareerOneStop's value conventions: numbers as display strings, blanks for
 * "not published", and geocodes we are not licensed to store.
 */

/**
 * `"$73,300"` → 73300, `"1,234"` → 1234, `".5"` → 0.5, `"0"` → 0, `""`/null → null.
 * Returns undefined when the text is not a number at all (the caller reports it).
 */
export function parseNumberText(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return null;
  const cleaned = text.replace(/^\$/, '').replace(/,/g, '').replace(/%$/, '').trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) return undefined;
  return Number(cleaned);
}

/** Trimmed text, or null for blanks (CareerOneStop sends `""` for "not published"). */
export function textOrNull(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/** Blanks dropped, case-insensitive duplicates removed (first spelling kept), order preserved. */
export function cleanTitles(titles: readonly (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of titles) {
    const t = typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : '';
    if (t === '') continue;
    const key = t.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

/** Key names that carry geocodes (Microsoft licence: must not be stored). */
const COORDINATE_KEY =
  /^(lat|lng|lon|long|latitude|longitude|geocode|geo_?location|geo_?point|coordinates?)$/i;

/** A deep copy of a parsed JSON value without any latitude/longitude-like keys. */
export function dropCoordinates<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => dropCoordinates(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (COORDINATE_KEY.test(k)) continue;
      out[k] = dropCoordinates(v);
    }
    return out as T;
  }
  return value;
}

/** True when any key of the value looks like a coordinate (used by tests and a store guard). */
export function hasCoordinates(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasCoordinates);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).some(
      ([k, v]) => COORDINATE_KEY.test(k) || hasCoordinates(v),
    );
  }
  return false;
}

/**
 * `ProgramLength`'s shape is unknown (string, number, or a list of `{ Name/Value }` objects in
 * some clients): render whatever arrives as short text, or null.
 */
export function lengthText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return textOrNull(value);
  if (Array.isArray(value)) {
    const parts = value.map(lengthText).filter((v): v is string => v !== null);
    return parts.length > 0 ? [...new Set(parts)].join('; ') : null;
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of ['Value', 'Name', 'Description', 'Length', 'ProgramLength']) {
      const t = lengthText(o[k]);
      if (t !== null) return t;
    }
  }
  return null;
}

/** `"Rapid Growth; Numerous Job Openings"` → the categories, blanks dropped. */
export function splitCategories(text: string | null | undefined): string[] {
  if (!text) return [];
  return cleanTitles(text.split(/[;|]/));
}

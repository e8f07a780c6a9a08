/**
 * Canonical serialisation: object keys sorted, `undefined` dropped, no whitespace. The same data
 * always gives the same bytes, which is what makes content hashes and no-op detection work.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * canonicalJson(value) in pieces whose concatenation is the same bytes: containers down to
 * `depth` levels are opened piece by piece, anything deeper is one piece. A full-size record's line
 * can exceed 100 kB; hashing or writing it in small pieces keeps every string short-lived and small
 * (V8 puts strings over ~128 kB straight into the old generation, where garbage waits for a full GC).
 */
export function* canonicalJsonPieces(value: unknown, depth = 3): Generator<string> {
  if (depth <= 0 || value === null || typeof value !== 'object') {
    yield canonicalJson(value) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      yield* canonicalJsonPieces(value[i], depth - 1);
    }
    yield ']';
    return;
  }
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    yield `${first ? '{' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* canonicalJsonPieces(v, depth - 1);
  }
  yield first ? '{}' : '}';
}

/**
 * Known methodology versions. v2.0 is registered on load; a new version is a new definition file
 * registered beside it, selected by METHODOLOGY_VERSION — the engine is not touched.
 */
import { PermanentError } from '../errors.js';
import { type MethodologyDefinition, MethodologyDefinitionSchema } from './types.js';
import { METHODOLOGY_V2_0 } from './v2_0.js';

export const DEFAULT_METHODOLOGY_VERSION = '2.0';

const registry = new Map<string, MethodologyDefinition>();

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validate and add a definition. Published versions are immutable: registering a different
 * definition under a known version throws (re-registering an identical one is a no-op).
 */
export function registerMethodology(def: MethodologyDefinition): void {
  const parsed = MethodologyDefinitionSchema.safeParse(def);
  if (!parsed.success) {
    const where = typeof def?.version === 'string' ? ` ${def.version}` : '';
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(definition)'}: ${i.message}`);
    throw new PermanentError(`invalid methodology definition${where}:\n  - ${problems.join('\n  - ')}`);
  }
  const existing = registry.get(parsed.data.version);
  if (existing) {
    if (JSON.stringify(existing) === JSON.stringify(parsed.data)) return;
    throw new PermanentError(
      `methodology ${parsed.data.version} is already registered with different rules; publish changes as a new version`,
    );
  }
  registry.set(parsed.data.version, deepFreeze(parsed.data));
}

/** Registered versions, in ascending version order. */
export function listMethodologies(): string[] {
  return [...registry.keys()].sort((a, b) => {
    const [am = 0, an = 0] = a.split('.').map(Number);
    const [bm = 0, bn = 0] = b.split('.').map(Number);
    return am - bm || an - bn;
  });
}

/** The definition for a version (METHODOLOGY_VERSION); throws naming the known versions. */
export function getMethodology(version: string): MethodologyDefinition {
  const def = registry.get(version);
  if (!def) {
    throw new PermanentError(
      `unknown methodology version "${version}" (METHODOLOGY_VERSION); known versions: ${listMethodologies().join(', ')}`,
    );
  }
  return def;
}

registerMethodology(METHODOLOGY_V2_0);

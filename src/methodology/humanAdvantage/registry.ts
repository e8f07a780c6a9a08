/**
 * Known human-advantage rule versions. epoch-rule-1 is registered on load; a changed rule is a new
 * definition file registered beside it — the engine is not touched.
 */
import { PermanentError } from '../../errors.js';
import { deepFreeze } from '../registry.js';
import { EPOCH_RULE_1 } from './rule_1.js';
import { type EpochRuleDefinition, EpochRuleDefinitionSchema } from './types.js';

export const DEFAULT_EPOCH_RULE_VERSION = 'epoch-rule-1';

const registry = new Map<string, EpochRuleDefinition>();

/**
 * Validate and add a rule. Published versions are immutable: registering a different definition under
 * a known version throws (re-registering an identical one is a no-op).
 */
export function registerEpochRule(def: EpochRuleDefinition): void {
  const parsed = EpochRuleDefinitionSchema.safeParse(def);
  if (!parsed.success) {
    const where = typeof def?.version === 'string' ? ` ${def.version}` : '';
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(definition)'}: ${i.message}`);
    throw new PermanentError(`invalid human-advantage rule${where}:\n  - ${problems.join('\n  - ')}`);
  }
  const existing = registry.get(parsed.data.version);
  if (existing) {
    if (JSON.stringify(existing) === JSON.stringify(parsed.data)) return;
    throw new PermanentError(
      `human-advantage rule ${parsed.data.version} is already registered with different data; publish changes as a new version`,
    );
  }
  registry.set(parsed.data.version, deepFreeze(parsed.data));
}

export function listEpochRules(): string[] {
  return [...registry.keys()].sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop()));
}

export function getEpochRule(version: string = DEFAULT_EPOCH_RULE_VERSION): EpochRuleDefinition {
  const def = registry.get(version);
  if (!def) {
    throw new PermanentError(
      `unknown human-advantage rule "${version}"; known: ${[...registry.keys()].join(', ')}`,
    );
  }
  return def;
}

registerEpochRule(EPOCH_RULE_1);

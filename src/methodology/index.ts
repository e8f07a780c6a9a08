/** The resilience methodology: definitions as data, a registry selecting one by version, a pure engine. */
export { bandFor, roundWith, scoreOccupation } from './engine.js';
export {
  DEFAULT_METHODOLOGY_VERSION,
  getMethodology,
  listMethodologies,
  registerMethodology,
} from './registry.js';
export type { Band, Classification, MethodologyDefinition, RoundingRule, ScoringInput } from './types.js';
export { MethodologyDefinitionSchema } from './types.js';
export { METHODOLOGY_V2_0 } from './v2_0.js';

/** Ajv 2020-12 in strict mode with ajv-formats: how a careful consumer compiles our JSON Schemas. */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { jsonSchema, type SchemaName } from '../../src/store/schemas.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

export function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

export function strictValidator(name: SchemaName, schema = jsonSchema(name)): ValidateFunction {
  return strictAjv().compile(schema);
}

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { PLATFORM_FORMATS, schemaDocuments } from '../src/index';

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * A strict Ajv2020 (every strict check on, no union types) with ajv-formats and every platform
 * schema preloaded — the strictest setting the platform schemas must compile under.
 *
 * @example
 * ```ts
 * const ajv = createStrictAjv();
 * ajv.getSchema(SCHEMA_IDS.process)?.(doc);
 * ```
 */
export function createStrictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const [name, validate] of Object.entries(PLATFORM_FORMATS)) ajv.addFormat(name, { type: 'string', validate });
  for (const doc of schemaDocuments) ajv.addSchema(doc as object);
  return ajv;
}

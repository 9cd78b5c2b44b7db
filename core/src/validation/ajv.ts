import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { schemaDocuments } from '@pipewright/schemas';
import type { ErrorDetail } from '../errors';

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

export type { ValidateFunction };

/**
 * A strict JSON Schema 2020-12 validator with formats and every platform schema preloaded.
 * Strict mode refuses unknown keywords, so a typo in a schema is a load error, not a silent no-op;
 * only own members of the data count.
 *
 * @example
 * ```ts
 * const ajv = createAjv();
 * const validate = ajv.getSchema('https://pipewright.dev/schemas/plugin-manifest.schema.json');
 * ```
 */
export function createAjv(): Ajv2020 {
  // ownProperties: `required`, `properties` and friends look at own members only, so a value on
  // an object's prototype never satisfies a schema (record bodies hold no prototype members:
  // see validation/members.ts).
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, useDefaults: false, ownProperties: true });
  addFormats(ajv);
  for (const doc of schemaDocuments) ajv.addSchema(doc as object);
  return ajv;
}

/**
 * Turns ajv errors into located details. `required` and `additionalProperties` point at the
 * offending property itself, so a client can put the message on the right field.
 *
 * @example
 * ```ts
 * if (!validate(body)) throw new ValidationError({ code: 'schema', message: 'invalid', details: ajvDetails(validate.errors) });
 * ```
 */
export function ajvDetails(errors: ErrorObject[] | null | undefined, prefix = ''): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let pointer = prefix + e.instancePath;
    let message = e.message ?? 'is invalid';
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      pointer += '/' + escapePointer(params.missingProperty);
      message = 'is required';
    } else if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      pointer += '/' + escapePointer(params.additionalProperty);
      message = 'is not a known field';
    } else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${pointer}|${e.keyword}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push({ pointer, message, code: e.keyword, params });
  }
  return details;
}

/**
 * Escapes one JSON pointer segment (RFC 6901).
 *
 * @example
 * ```ts
 * escapePointer('a/b'); // 'a~1b'
 * ```
 */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

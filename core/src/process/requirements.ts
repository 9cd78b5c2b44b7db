import type { ErrorDetail } from '../errors';
import type { SchemaObject as JsonSchema, LoadedEntity } from '../plugins/types';
import { ajvDetails, type ValidateFunction } from '../validation/ajv';

/** Why a record may not enter a stage: the problems and a schema for exactly the fields concerned. */
export interface UnmetRequirements {
  /** One detail per problem, pointing into the request (`/data/<field>`). */
  details: ErrorDetail[];
  /** The fields that are missing or invalid (empty when the problem is about the record as a whole). */
  fields: string[];
  /**
   * A JSON Schema (2020-12) object schema over exactly those fields, with the entity's titles, so
   * a client can render a form for them (or the whole requirements schema when a problem is not
   * tied to one field).
   */
  schema: JsonSchema;
}

/**
 * Checks a record body against a stage's compiled entry requirements.
 *
 * @example
 * ```ts
 * const unmet = unmetRequirements(validate, stage.requirements, entity, { name: 'x' });
 * unmet?.fields; // ['amount', 'next_step']
 * ```
 */
export function unmetRequirements(validate: ValidateFunction, requirements: JsonSchema, entity: LoadedEntity | undefined, data: Record<string, unknown>, prefix = '/data'): UnmetRequirements | null {
  if (validate(data)) return null;
  const raw = ajvDetails(validate.errors, '');
  const details = raw.map((d) => ({ ...d, pointer: prefix + d.pointer }));
  const fields = [...new Set(raw.map((d) => d.pointer.split('/')[1] ?? '').filter((f) => f !== ''))];
  const whole = raw.some((d) => d.pointer === '');
  if (whole || fields.length === 0) return { details, fields, schema: requirements };
  const reqProps = (requirements.properties ?? {}) as Record<string, JsonSchema>;
  const entityProps = (entity?.schema.properties ?? {}) as Record<string, JsonSchema>;
  const properties: Record<string, JsonSchema> = {};
  for (const f of fields) {
    const own = reqProps[f];
    const base = entityProps[f];
    const title = typeof base?.title === 'string' ? { title: base.title } : {};
    properties[f] = own ? { ...title, ...own } : (base ?? {});
  }
  const requiredList = Array.isArray(requirements.required) ? (requirements.required as string[]) : [];
  return { details, fields, schema: { type: 'object', required: fields.filter((f) => requiredList.includes(f)), properties } };
}

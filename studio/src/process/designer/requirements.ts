import type { EntityInfo, JsonSchema } from '../../api/types';

/** Entry requirements as the designer edits them: an object schema over entity fields. */
export interface RequirementsSchema extends JsonSchema {
  type: 'object';
  required: string[];
  properties: Record<string, JsonSchema>;
}

/**
 * The fields a stage's entry requirements make mandatory.
 *
 * @example
 * ```ts
 * requiredFields({ type: 'object', required: ['amount'] }); // ['amount']
 * ```
 */
export function requiredFields(requirements: unknown): string[] {
  const r = requirements as { required?: unknown } | undefined;
  return Array.isArray(r?.required) ? r.required.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The schema a required field gets when first picked: the entity's own, non-empty for text.
 *
 * @example
 * ```ts
 * fieldRequirement(deal, 'next_step'); // { type: 'string', maxLength: 500, minLength: 1 }
 * ```
 */
export function fieldRequirement(entity: EntityInfo, field: string): JsonSchema {
  const base = entity.schema.properties[field] ?? {};
  const { title: _t, description: _d, ...rest } = base;
  if (rest.type === 'string' && rest.enum === undefined && rest.minLength === undefined && rest.format === undefined) return { ...rest, minLength: 1 };
  return rest;
}

/**
 * Builds the JSON Schema fragment for entry requirements from the picked fields, keeping the
 * schema an existing requirement had for a field (e.g. `exclusiveMinimum` on an amount) and the
 * entity's schema for newly picked fields. `undefined` when no field is picked.
 *
 * @example
 * ```ts
 * buildRequirements(deal, ['amount', 'next_step'], stage.requirements);
 * // { type: 'object', required: ['amount', 'next_step'], properties: { amount: { $ref: '…#/$defs/money' }, next_step: { type: 'string', maxLength: 500, minLength: 1 } } }
 * ```
 */
export function buildRequirements(entity: EntityInfo, fields: readonly string[], previous?: unknown): RequirementsSchema | undefined {
  if (fields.length === 0) return undefined;
  const old = ((previous as { properties?: Record<string, JsonSchema> } | undefined)?.properties ?? {}) as Record<string, JsonSchema>;
  const order = entity.fields.map((f) => f.name);
  const picked = [...new Set(fields)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const properties: Record<string, JsonSchema> = {};
  for (const f of picked) properties[f] = old[f] ?? fieldRequirement(entity, f);
  return { type: 'object', required: picked, properties };
}

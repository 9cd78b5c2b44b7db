import { SCHEMA_IDS, typesSchema } from '@pipewright/schemas';
import type { EntityInfo, JsonSchema } from '../api/types';

const PREFIX = `${SCHEMA_IDS.types}#/$defs/`;
const DEFS = (typesSchema.$defs ?? {}) as Record<string, JsonSchema>;

/**
 * Copies a schema with the shared types inlined (the rule checker follows local `$ref`s only),
 * so `{"var": "amount.amount"}` type-checks as a number.
 *
 * @example
 * ```ts
 * inlineTypes({ properties: { amount: { $ref: 'https://pipewright.dev/schemas/types.schema.json#/$defs/money' } } });
 * ```
 */
export function inlineTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(inlineTypes);
  if (schema === null || typeof schema !== 'object') return schema;
  const obj = schema as JsonSchema;
  const ref = typeof obj.$ref === 'string' && obj.$ref.startsWith(PREFIX) ? DEFS[obj.$ref.slice(PREFIX.length)] : undefined;
  const { $ref: _ref, ...rest } = obj;
  const base = ref ? { ...ref, ...rest } : obj;
  return Object.fromEntries(Object.entries(base).map(([k, v]) => [k, inlineTypes(v)]));
}

/**
 * The `var` paths a rule over an entity can read: each field, and `amount`/`currency` of money.
 *
 * @example
 * ```ts
 * fieldPaths(deal); // ['name', ..., 'amount.amount', 'amount.currency', ...]
 * ```
 */
export function fieldPaths(entity: EntityInfo | undefined): string[] {
  if (!entity) return [];
  return entity.fields.flatMap((f) => (f.format === 'money' ? [`${f.name}.amount`, `${f.name}.currency`] : [f.name]));
}

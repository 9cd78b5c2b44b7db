import { SCHEMA_IDS, typesSchema } from '@pipewright/schemas';
import type { EntityInfo, JsonSchema } from '../api/types';
import { fieldLabel } from '../entities/format';

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

/**
 * A `var` path as the reader knows it: the field's label (translated, as everywhere in the
 * studio); a money field's amount and currency by the field's label and the part (`t` gives
 * `ruleLibrary.money.amount` / `.currency`). A path the entity does not have is shown as is.
 *
 * @example
 * ```ts
 * pathLabel(deal, 'source', t); // 'Source'
 * pathLabel(deal, 'amount.amount', t); // 'Expected value (amount)'
 * ```
 */
export function pathLabel(entity: EntityInfo | undefined, path: string, t: (key: string, options: { field: string }) => string): string {
  const f = entity?.fields.find((x) => x.name === path || path.startsWith(`${x.name}.`));
  if (!entity || !f) return path;
  const label = fieldLabel(entity, f.name);
  if (f.name === path) return label;
  const part = path.slice(f.name.length + 1);
  return part === 'amount' || part === 'currency' ? t(`ruleLibrary.money.${part}`, { field: label }) : `${label} · ${part}`;
}

import type { EntityInfo, JsonSchema } from '../../api/types';

/**
 * The schema to render for a 422's missing requirements: exactly its fields and constraints,
 * with each field's shared type (`$ref` to money, date, record id) taken from the entity so the
 * money, date and reference widgets are used even when the stage spells the type out inline.
 *
 * @example
 * ```ts
 * requirementFormSchema(deal, { type: 'object', required: ['amount'], properties: { amount: { type: 'object', required: ['amount', 'currency'] } } });
 * // { type: 'object', required: ['amount'], properties: { amount: { type: 'object', required: [...], $ref: '…#/$defs/money' } } }
 * ```
 */
export function requirementFormSchema(entity: EntityInfo, schema: JsonSchema): JsonSchema {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const properties: Record<string, JsonSchema> = {};
  for (const [name, own] of Object.entries(props)) {
    const base = entity.schema.properties[name];
    const ref = typeof base?.$ref === 'string' ? base.$ref : undefined;
    const title = typeof base?.title === 'string' && own.title === undefined ? { title: base.title } : {};
    properties[name] = ref && own.$ref === undefined ? { ...title, ...own, $ref: ref } : { ...title, ...own };
  }
  return { ...schema, properties };
}

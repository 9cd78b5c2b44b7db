import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { SCHEMA_IDS, typesSchema } from '@pipewright/schemas';
import type { EntityInfo, JsonSchema } from '../api/types';
import { HELP } from '../plugins/localize';

const TYPES_REF = `${SCHEMA_IDS.types}#/$defs/`;
const EMBEDDED_TYPES_KEY = 'pipewright-types';

/**
 * Makes a record body schema self-contained for rjsf and the validator: declares 2020-12, gives
 * it an `$id`, and embeds the shared types schema (by its own `$id`) so
 * `https://pipewright.dev/schemas/types.schema.json#/$defs/money` resolves offline.
 *
 * @example
 * ```ts
 * const schema = formSchema(deal.schema, 'acme.ticket');
 * ```
 */
export function formSchema(schema: JsonSchema, name: string): RJSFSchema {
  const defs = (schema.$defs as Record<string, unknown> | undefined) ?? {};
  return {
    ...withoutAuthorNotes(schema),
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://pipewright.dev/studio/forms/${encodeURIComponent(name)}.schema.json`,
    $defs: { ...defs, [EMBEDDED_TYPES_KEY]: typesSchema },
  } as RJSFSchema;
}

/**
 * The schema without what forms must not show: each property's `description` (written for
 * schema authors, e.g. notes on the demo data) and its `x-help` (shown as `ui:help` instead, see
 * {@link formUiSchema}).
 *
 * @example
 * ```ts
 * withoutAuthorNotes({ properties: { a: { type: 'string', description: 'internal' } } }); // { properties: { a: { type: 'string' } } }
 * ```
 */
export function withoutAuthorNotes(schema: JsonSchema): JsonSchema {
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  if (!props) return schema;
  const properties: Record<string, JsonSchema> = {};
  for (const [name, prop] of Object.entries(props)) {
    const { description: _d, [HELP]: _h, ...rest } = prop;
    properties[name] = rest;
  }
  return { ...schema, properties };
}

/**
 * A schema holding only `fields` of an entity's body schema (for "fill in what is missing"
 * forms); `required` keeps the listed fields that were required.
 *
 * @example
 * ```ts
 * subsetSchema(deal.schema, ['amount', 'expected_close_date']);
 * ```
 */
export function subsetSchema(schema: JsonSchema, fields: readonly string[], requireAll = false): JsonSchema {
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const keep = fields.filter((f) => f in properties);
  return {
    type: 'object',
    ...(schema.$defs ? { $defs: schema.$defs } : {}),
    properties: Object.fromEntries(keep.map((f) => [f, properties[f] as JsonSchema])),
    required: requireAll ? keep : keep.filter((f) => required.includes(f)),
  };
}

/** Every `properties` map of a schema, including those of if/then/else, allOf and dependentSchemas branches. */
function propertyMaps(schema: JsonSchema, out: Record<string, JsonSchema>[] = []): Record<string, JsonSchema>[] {
  if (schema.properties && typeof schema.properties === 'object') out.push(schema.properties as Record<string, JsonSchema>);
  for (const key of ['then', 'else']) if (schema[key] && typeof schema[key] === 'object') propertyMaps(schema[key] as JsonSchema, out);
  for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[key])) for (const s of schema[key] as JsonSchema[]) propertyMaps(s, out);
  for (const key of ['dependentSchemas', 'dependencies']) {
    const deps = schema[key];
    if (deps && typeof deps === 'object') for (const s of Object.values(deps as Record<string, unknown>)) if (s && typeof s === 'object' && !Array.isArray(s)) propertyMaps(s as JsonSchema, out);
  }
  return out;
}

/**
 * The uiSchema of an entity form: the plugin's `ui.form` hints, a searchable picker for each
 * reference field, the money field for `$defs/money`, date-time inputs, and each field's help for
 * users (`x-help`, from the plugin's translations) as `ui:help`.
 *
 * @example
 * ```ts
 * const ui = formUiSchema(deal.schema, deal.ui?.form, deal.references);
 * ui.account_id; // { 'ui:widget': 'reference', 'ui:options': { entity: 'acme.site', lookup: 'name' } }
 * ```
 */
export function formUiSchema(schema: JsonSchema, hints: JsonSchema | undefined, references: EntityInfo['references'] = {}): UiSchema {
  const ui: UiSchema = { ...(hints ?? {}) };
  const order = ui['ui:order'];
  if (Array.isArray(order) && !order.includes('*')) ui['ui:order'] = [...order, '*'];
  const add = (name: string, extra: UiSchema) => {
    ui[name] = { ...extra, ...((ui[name] as UiSchema | undefined) ?? {}) };
  };
  for (const props of propertyMaps(schema)) {
    for (const [name, prop] of Object.entries(props)) {
      const ref = typeof prop.$ref === 'string' ? prop.$ref : '';
      const reference = references[name];
      if (reference) add(name, { 'ui:widget': 'reference', 'ui:options': { entity: reference.entity, ...(reference.lookup ? { lookup: reference.lookup } : {}) } });
      else if (ref === `${TYPES_REF}money` || ref === `${TYPES_REF}signedMoney`) add(name, { 'ui:field': 'money' });
      if (typeof prop[HELP] === 'string' && prop[HELP] !== '') add(name, { 'ui:help': prop[HELP] });
    }
  }
  return ui;
}

/**
 * Drops `ui:order` names a (subset) schema does not have, which rjsf would reject.
 *
 * @example
 * ```ts
 * fitOrder({ 'ui:order': ['a', 'b', '*'] }, ['b']); // { 'ui:order': ['b', '*'] }
 * ```
 */
export function fitOrder(ui: UiSchema, names: readonly string[]): UiSchema {
  const order = ui['ui:order'];
  if (!Array.isArray(order)) return ui;
  return { ...ui, 'ui:order': order.filter((n: string) => n === '*' || names.includes(n)) };
}

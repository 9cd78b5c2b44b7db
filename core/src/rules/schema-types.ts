import { schemaDocuments } from '@pipewright/schemas';
import type { JsonSchema, ValueType } from './types';

/** The platform's schemas by `$id`, for references such as `types.schema.json#/$defs/date`. */
const SHARED_SCHEMAS: ReadonlyMap<string, JsonSchema> = new Map(schemaDocuments.map((d) => [d.$id, d as unknown as JsonSchema]));

/** Where a `var` path lands in an entity schema. */
export type FieldLookup =
  | { readonly found: true; readonly type: ValueType; readonly schema: JsonSchema | undefined; readonly required: boolean }
  | { readonly found: false; readonly at: number };

const INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Resolves `path` in an object schema (JSON Schema 2020-12): `properties`, object-valued
 * `additionalProperties`, `items` for array indexes, local `$ref`s into `$defs` and references to
 * the platform schemas by `$id` (the shared types: money, date, ...).
 * Composite schemas (`anyOf`...) are not followed: the field is found with type `any`.
 *
 * @example
 * ```ts
 * lookupField({ type: 'object', properties: { closed_on: { type: 'string', format: 'date' } } }, ['closed_on']);
 * // { found: true, type: 'date', ... }
 * ```
 */
export function lookupField(schema: JsonSchema, path: readonly string[], root: JsonSchema = schema): FieldLookup {
  let current: JsonSchema | undefined = deref(root, schema);
  let required = true;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string;
    if (current === undefined) return { found: true, type: 'any', schema: undefined, required: false };
    const type = schemaType(current);
    if (type === 'array' && INDEX.test(segment)) {
      current = deref(root, asSchema(current.items));
      required = false;
      continue;
    }
    const properties = asSchema(current.properties);
    if (properties !== undefined && Object.hasOwn(properties, segment)) {
      required = required && Array.isArray(current.required) && current.required.includes(segment);
      current = deref(root, asSchema(properties[segment]));
      continue;
    }
    const additional = asSchema(current.additionalProperties);
    if (additional !== undefined) {
      current = deref(root, additional);
      required = false;
      continue;
    }
    if (type === 'any' && properties === undefined && current.additionalProperties === undefined) {
      return { found: true, type: 'any', schema: undefined, required: false };
    }
    return { found: false, at: i };
  }
  return { found: true, type: current === undefined ? 'any' : schemaType(current), schema: current, required };
}

/**
 * The {@link ValueType} a schema describes (`null` is ignored in type unions).
 *
 * @example
 * ```ts
 * schemaType({ type: ['string', 'null'], format: 'date-time' }); // 'datetime'
 * ```
 */
export function schemaType(schema: JsonSchema): ValueType {
  const raw = schema.type;
  // The one type other than "null" (and undefined) in `type`, without allocating.
  let only: unknown;
  let count = 0;
  if (Array.isArray(raw)) {
    for (const t of raw as unknown[]) {
      if (t === 'null' || t === undefined) continue;
      if (count++ === 0) only = t;
    }
  } else if (raw !== 'null' && raw !== undefined) {
    only = raw;
    count = 1;
  }
  if (count !== 1) return count === 0 && raw === 'null' ? 'null' : 'any';
  switch (only) {
    case 'integer':
    case 'number':
      return 'number';
    case 'string':
      return schema.format === 'date' ? 'date' : schema.format === 'date-time' ? 'datetime' : 'string';
    case 'boolean':
    case 'array':
    case 'object':
      return only;
    default:
      return 'any';
  }
}

/** Whether the schema allows JSON `null` (`type` includes "null"). */
export function schemaNullable(schema: JsonSchema | undefined): boolean {
  const raw = schema?.type;
  return Array.isArray(raw) ? raw.includes('null') : raw === 'null' || raw === undefined;
}

function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

/**
 * Follows `$ref`s of `schema`: local ones (`#/...`) inside `root`, and those into a platform
 * schema by `$id` (e.g. `https://pipewright.dev/schemas/types.schema.json#/$defs/date`).
 *
 * @example
 * ```ts
 * deref(root, { $ref: '#/$defs/line' });
 * ```
 */
export function deref(root: JsonSchema, schema: JsonSchema | undefined): JsonSchema | undefined {
  let current = schema;
  let document = root;
  for (let hops = 0; current !== undefined && typeof current.$ref === 'string' && hops < 16; hops++) {
    const ref: string = current.$ref;
    const hash = ref.indexOf('#');
    if (hash > 0) {
      // A platform schema by `$id` (entities use the shared types: money, date, ...).
      const target = SHARED_SCHEMAS.get(ref.slice(0, hash));
      if (target === undefined) return undefined;
      document = target;
    } else if (hash < 0) {
      return undefined;
    }
    const fragment = ref.slice(hash + 1);
    if (fragment !== '' && !fragment.startsWith('/')) return undefined;
    let target: unknown = document;
    for (const token of fragment === '' ? [] : fragment.slice(1).split('/')) {
      const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
      const holder = asSchema(target);
      target = holder !== undefined && Object.hasOwn(holder, key) ? holder[key] : undefined;
    }
    current = asSchema(target);
  }
  return current;
}

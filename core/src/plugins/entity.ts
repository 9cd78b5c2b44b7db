import type { Ajv2020 } from 'ajv/dist/2020.js';
import { PluginError, ValidationError } from '../errors';
import { ajvDetails } from '../validation/ajv';
import { parseIsoDuration } from '../process/duration';
import { checkRule } from '../rules/check';
import type { OperatorRegistry } from '../rules/operators/registry';
import type { EntityDefinition, FieldInfo, SchemaObject, LoadedEntity, FieldType } from './types';

const TYPES_ID = 'https://pipewright.dev/schemas/types.schema.json#/$defs/';

/**
 * Describes a body field's scalar type from its JSON Schema, resolving the shared types.
 *
 * @example
 * ```ts
 * fieldInfo('amount', { $ref: '.../types.schema.json#/$defs/money' }, true); // { type: 'object', format: 'money', ... }
 * ```
 */
export function fieldInfo(name: string, schema: SchemaObject, required: boolean): FieldInfo {
  const info: FieldInfo = { name, type: 'any', required };
  if (typeof schema.title === 'string') info.title = schema.title;
  const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
  if (ref?.startsWith(TYPES_ID)) {
    const def = ref.slice(TYPES_ID.length);
    if (def === 'money' || def === 'signedMoney') return { ...info, type: 'object', format: 'money' };
    if (def === 'date') return { ...info, type: 'date', format: 'date' };
    if (def === 'datetime') return { ...info, type: 'date', format: 'date-time' };
    if (def === 'recordId') return { ...info, type: 'string', format: 'uuid' };
    if (def === 'userId') return { ...info, type: 'string', format: 'user' };
    if (def === 'percent') return { ...info, type: 'number' };
    return { ...info, type: 'string' };
  }
  const rawType = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  if (rawType === 'string') {
    if (format === 'date' || format === 'date-time') return { ...info, type: 'date', format };
    if (format === 'uuid' || format === 'email' || format === 'uri') return { ...info, type: 'string', format };
    info.type = 'string';
  } else if (rawType === 'number' || rawType === 'integer') info.type = 'number';
  else if (rawType === 'boolean') info.type = 'boolean';
  else if (rawType === 'array') info.type = 'array';
  else if (rawType === 'object') info.type = 'object';
  if (Array.isArray(schema.enum)) {
    info.enum = schema.enum;
    if (info.type === 'any') info.type = inferEnumType(schema.enum);
  }
  return info;
}

function inferEnumType(values: unknown[]): FieldType {
  const kinds = new Set(values.filter((v) => v !== null).map((v) => typeof v));
  if (kinds.size === 1) {
    const k = [...kinds][0];
    if (k === 'string' || k === 'number' || k === 'boolean') return k;
  }
  return 'any';
}

/**
 * Compiles an entity definition's body schema once (strict ajv) and checks its hints refer to
 * real fields. Errors name the plugin, the file and the JSON pointer.
 *
 * @example
 * ```ts
 * const entity = compileEntity(ajv, 'crm', 'schemas/account.schema.json', definition);
 * entity.validate({ name: 'Acme' });
 * ```
 */
export function compileEntity(ajv: Ajv2020, plugin: string, file: string, def: EntityDefinition): LoadedEntity {
  const fail = (pointer: string, message: string, code = 'plugin.invalid-entity'): never => {
    throw new PluginError({ code, plugin, file, pointer, message: `${plugin}/${file}${pointer ? ` at ${pointer}` : ''}: ${message}` });
  };
  let validate;
  try {
    validate = ajv.compile(def.schema);
  } catch (err) {
    return fail('/schema', `the record schema does not compile: ${(err as Error).message}`, 'plugin.invalid-entity-schema');
  }
  const required = new Set(Array.isArray(def.schema.required) ? (def.schema.required as string[]) : []);
  const fields = new Map<string, FieldInfo>();
  for (const [name, schema] of Object.entries(def.schema.properties)) {
    const info = fieldInfo(name, schema, required.has(name));
    const reference = def.references?.[name];
    if (reference) info.reference = reference;
    fields.set(name, info);
  }
  for (const name of Object.keys(def.references ?? {})) {
    if (!fields.has(name)) fail(`/references/${name}`, `references an unknown field "${name}"`);
  }
  def.audience?.forEach((name, i) => {
    const field = fields.get(name);
    if (!field) return fail(`/audience/${i}`, `unknown field "${name}"`);
    const schema = def.schema.properties[name] as SchemaObject;
    const items = (schema.items ?? {}) as SchemaObject;
    const isUser = (s: SchemaObject) => s.type === 'string' || (typeof s.$ref === 'string' && s.$ref === `${TYPES_ID}userId`);
    if (!(field.type === 'string' && isUser(schema)) && !(field.type === 'array' && isUser(items))) fail(`/audience/${i}`, `"${name}" must hold a user id (a string) or an array of user ids to name a record's audience`);
  });
  def.indexes?.forEach((index, i) => {
    index.fields.forEach((f, j) => {
      if (!fields.has(f)) fail(`/indexes/${i}/fields/${j}`, `indexes an unknown field "${f}"`);
    });
    if (index.method === 'trigram') {
      if (index.fields.length !== 1) fail(`/indexes/${i}/fields`, 'a trigram index covers exactly one field');
      else if (fields.get(index.fields[0] as string)?.type !== 'string') fail(`/indexes/${i}/fields/0`, `a trigram index needs a text field, "${index.fields[0] as string}" is not one`);
      if (index.unique) fail(`/indexes/${i}/unique`, 'a trigram index cannot be unique');
    }
  });
  if (def.touch) {
    if (fields.get(def.touch.at)?.type !== 'date') fail('/touch/at', `"${def.touch.at}" must be a date or date-time field to date a touch`);
    if (def.touch.done !== undefined && fields.get(def.touch.done)?.type !== 'boolean') fail('/touch/done', `"${def.touch.done}" must be a boolean field`);
    if (Object.keys(def.references ?? {}).length === 0) fail('/touch', 'a touch needs references: the records it touches');
  }
  if (def.titleField !== undefined && !fields.has(def.titleField)) fail('/titleField', `unknown field "${def.titleField}"`);
  for (const [key, list] of [['listColumns', def.ui?.listColumns], ['searchFields', def.ui?.searchFields], ['cardFields', def.ui?.cardFields]] as const) {
    list?.forEach((f, i) => {
      if (!fields.has(f)) fail(`/ui/${key}/${i}`, `unknown field "${f}"`);
    });
  }
  return { ...def, fullId: `${plugin}.${def.id}`, plugin, file, fields, validate };
}

/**
 * Validates a record body against its entity, throwing a 422 {@link ValidationError} whose
 * details point into the request (`/data/<field>`).
 *
 * @example
 * ```ts
 * assertValidBody(entity, { name: 42 }); // throws: /data/name must be string
 * ```
 */
export function assertValidBody(entity: LoadedEntity, body: unknown, prefix = '/data'): void {
  if (entity.validate(body)) return;
  throw new ValidationError({
    code: 'record.invalid',
    message: `The ${entity.label.toLowerCase()} does not match its schema.`,
    details: ajvDetails(entity.validate.errors, prefix),
  });
}

/**
 * Checks an entity's `approvals` (ADR 028 addendum) once the plugin's operators are registered:
 * unique ids, known fields, a duration for `timeout`, `required` no more than the approvers
 * listed by user when only users are listed, and `when` as a rule over `{ old, new }` (each the
 * entity's body). The error names the plugin, the file and the pointer of the bad part.
 *
 * @example
 * ```ts
 * checkEntityApprovals(registry.entity('acme.ticket'), registry.ruleOperators);
 * ```
 */
export function checkEntityApprovals(entity: LoadedEntity, operators: OperatorRegistry): void {
  const fail = (pointer: string, message: string): never => {
    throw new PluginError({ code: 'plugin.invalid-entity-approval', plugin: entity.plugin, file: entity.file, pointer, message: `${entity.plugin}/${entity.file} at ${pointer}: ${message}` });
  };
  const seen = new Set<string>();
  entity.approvals?.forEach((a, i) => {
    const at = `/approvals/${i}`;
    if (seen.has(a.id)) fail(`${at}/id`, `a second approval is named "${a.id}"`);
    seen.add(a.id);
    a.fields.forEach((f, j) => entity.fields.has(f) || fail(`${at}/fields/${j}`, `unknown field "${f}"`));
    if (a.timeout !== undefined && !parseIsoDuration(a.timeout)) fail(`${at}/timeout`, `"${a.timeout}" is not a supported ISO 8601 duration`);
    if (a.required !== undefined && a.approvers.every((x) => x.user !== undefined) && a.required > a.approvers.length) fail(`${at}/required`, `needs ${a.required} approvals but names ${a.approvers.length} approver(s)`);
    if (a.when === undefined) return;
    try {
      checkRule(a.when, { operators, schema: approvalSchema(entity) });
    } catch (err) {
      const e = err as { pointer?: string; message: string };
      fail(`${at}/when${e.pointer ?? ''}`, `the condition is refused: ${e.message}`);
    }
  });
}

/** What an entity approval's `when` reads: the body before (`old`) and after (`new`) the change. */
export function approvalSchema(entity: Pick<LoadedEntity, 'schema'>): SchemaObject {
  return { type: 'object', properties: { old: entity.schema, new: entity.schema } };
}

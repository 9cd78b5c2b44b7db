import type { LoadedEntity, Registry } from '@pipewright/core';

type Json = Record<string, unknown>;
const TYPES = 'https://pipewright.dev/schemas/types.schema.json#/$defs/';

/** Rewrites references to the shared types into component references. */
function localize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(localize);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(TYPES)) out[k] = `#/components/schemas/Type_${v.slice(TYPES.length)}`;
    else if (k === '$schema' || k === '$id') continue;
    else out[k] = localize(v);
  }
  return out;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const json = (schema: unknown, description: string, headers?: Json) => ({ description, content: { 'application/json': { schema } }, ...(headers ? { headers } : {}) });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problemResponse(PROBLEM_TEXT[c] ?? 'Error')]));
const PROBLEM_TEXT: Record<number, string> = {
  400: 'Malformed request (bad JSON, bad parameter)',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'No such entity or record',
  409: 'Conflict (a change of the record already waits for approval, or no approver could be found)',
  412: 'The record changed since the given version',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'The body does not satisfy the schema',
  428: 'If-Match is required',
  429: 'Too many requests',
};

function recordSchema(e: LoadedEntity): Json {
  const name = componentName(e);
  return {
    type: 'object',
    required: ['id', 'type', 'version', 'data', 'createdAt', 'updatedAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      type: { const: e.fullId },
      version: { type: 'integer', minimum: 1 },
      owner: { type: ['string', 'null'] },
      orgUnit: { type: ['string', 'null'] },
      stage: { type: ['string', 'null'], description: 'Set by transitions only.' },
      process: { type: ['object', 'null'], description: 'The process version a stageful record moves through.', properties: { id: { type: 'string' }, version: { type: 'integer' } } },
      data: ref(`${name}Data`),
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      createdBy: { type: 'string' },
      updatedBy: { type: 'string' },
      deletedAt: { type: ['string', 'null'], format: 'date-time' },
      computed: { type: 'object', description: "Values the entity's plugin computes on read (only entities with a `computed` contribution)." },
    },
  };
}

const componentName = (e: LoadedEntity) => e.fullId.split(/[._]/).map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('');

/** `GET /api/records/{type}/touches` of an entity that records of `touchers` touch. */
function touchPath(e: LoadedEntity, touchers: string[]): Json {
  const item = { type: 'object', required: ['record', 'at', 'by'], properties: { record: { type: 'string', format: 'uuid' }, at: { type: 'string', format: 'date-time' }, by: { type: 'object', required: ['type', 'id'], properties: { type: { type: 'string' }, id: { type: 'string', format: 'uuid' } } } } };
  return {
    get: {
      operationId: `touches${componentName(e)}`,
      summary: `Last touch of ${e.labelPlural.toLowerCase()} (${touchers.length ? `by ${touchers.join(', ')}` : 'no entity touches them: always empty'})`,
      tags: [e.plugin],
      parameters: [{ name: 'ids', in: 'query', required: true, schema: { type: 'string' }, description: 'Up to 200 comma-separated record ids.' }],
      responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: item } } }, 'The latest touch of each record touched (untouched records are left out)'), ...errors(400, 401, 404) },
    },
  };
}

/** `GET /api/records/{type}/columns`: the listing's first page and total of each stage (an entity without stages answers 400). */
function columnsPath(e: LoadedEntity, list: Json): Json {
  const listParams = ((list.get as Json).parameters as Json[]).filter((p) => p.name !== 'cursor' && p.name !== 'total' && p.name !== 'filter[stage]');
  const page = { type: 'object', required: ['stage', 'items', 'nextCursor', 'total'], properties: { stage: { type: 'string' }, items: { type: 'array', items: ref(componentName(e)) }, nextCursor: { type: ['string', 'null'] }, total: { type: 'integer' } } };
  return {
    get: {
      operationId: `columns${componentName(e)}`,
      summary: e.stageful ? `First page and total of each stage's ${e.labelPlural.toLowerCase()} (a board's columns) in one request` : `Board columns (${e.labelPlural.toLowerCase()} have no stages: always 400)`,
      tags: [e.plugin],
      parameters: [{ name: 'stages', in: 'query', required: true, schema: { type: 'string' }, description: '1 to 50 comma-separated stage ids; each column is the listing with filter[stage][eq] of that stage and the other parameters, with its total.' }, ...listParams],
      responses: { '200': json({ type: 'object', required: ['columns'], properties: { columns: { type: 'array', items: page } } }, 'One page per stage, in the order asked'), ...errors(400, 401, 404, 429) },
    },
  };
}

function entityPaths(e: LoadedEntity): Record<string, Json> {
  const name = componentName(e);
  const base = `/api/records/${e.fullId}`;
  const filterable = [...e.fields.values()].filter((f) => f.type !== 'array' && (f.type !== 'object' || f.format === 'money'));
  const listParams = [
    ...filterable.map((f) => ({ name: `filter[${f.name}]`, in: 'query', required: false, schema: { type: 'string' }, description: `Equality filter on ${f.name}; also filter[${f.name}][op] with op in eq, ne, gt, gte, lt, lte, in, contains, exists.` })),
    { name: 'sort', in: 'query', schema: { type: 'string' }, description: 'Comma-separated fields, "-" for descending. Default -createdAt. For a board column of a stageful entity: -enteredStageAt (most recently entered first) with exactly one filter[stage].' },
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
    { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page.' },
    { name: 'q', in: 'query', schema: { type: 'string', maxLength: 200 }, description: 'Case-insensitive search in the search fields.' },
    { name: 'includeDeleted', in: 'query', schema: { type: 'boolean' } },
    { name: 'total', in: 'query', schema: { type: 'boolean' }, description: 'Also count all matching records.' },
  ];
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const etag = { ETag: { schema: { type: 'string' }, description: 'Version of the record, for If-Match.' } };
  const allow = { Allow: { schema: { type: 'string', enum: ['GET, PATCH, DELETE', 'GET'] }, description: 'What the reader may do with the record: PATCH and DELETE only when they may change it.' } };
  const tag = [e.plugin];
  return {
    [base]: {
      get: {
        operationId: `list${name}`,
        summary: `List ${e.labelPlural.toLowerCase()}`,
        tags: tag,
        parameters: listParams,
        responses: {
          '200': json({ type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref(name) }, nextCursor: { type: ['string', 'null'] }, total: { type: 'integer' } } }, 'A page of records'),
          ...errors(400, 401, 404, 429),
        },
      },
      post: {
        operationId: `create${name}`,
        summary: `Create a ${e.label.toLowerCase()}`,
        tags: tag,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['data'], additionalProperties: false, properties: { data: ref(`${name}Data`), owner: { type: ['string', 'null'] }, orgUnit: { type: ['string', 'null'] }, ...(e.stageful ? { stage: { type: ['string', 'null'], description: 'A new record starts in the start stage of its process; naming any other stage is 422 (only transitions move records).' }, process: { type: 'string', description: 'Process to start in (default: the entity\'s default process).' } } : {}) } } } },
        },
        responses: { '201': json(ref(name), 'Created', etag), ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
      },
    },
    [`${base}/{id}`]: {
      parameters: [idParam],
      get: { operationId: `get${name}`, summary: `Read a ${e.label.toLowerCase()}`, tags: tag, responses: { '200': json(ref(name), 'The record', { ...etag, ...allow }), ...errors(401, 404) } },
      patch: {
        operationId: `update${name}`,
        summary: `Update a ${e.label.toLowerCase()} (JSON merge patch of data)`,
        tags: tag,
        parameters: [{ name: 'If-Match', in: 'header', required: true, schema: { type: 'string' }, description: 'ETag of the version being changed.' }],
        requestBody: {
          required: true,
          content: { 'application/merge-patch+json': { schema: { type: 'object', additionalProperties: false, properties: { data: { type: 'object' }, owner: { type: ['string', 'null'] }, orgUnit: { type: ['string', 'null'] } } } } },
        },
        responses: {
          '200': json(ref(name), 'Updated', etag),
          // An entity that declares approvals of changes (ADR 028 addendum) may hold the change.
          ...(e.approvals?.length ? { '202': json({ type: 'object', required: ['approval', 'record'], properties: { approval: { type: 'object', description: 'The approval request (kind "edit"): see GET /api/approvals/{id}.' }, record: ref(name) } }, `Held for approval (${e.approvals.map((a) => a.id).join(', ')}): the request and the record, unchanged`, etag) } : {}),
          ...errors(400, 401, 403, 404, ...(e.approvals?.length ? [409] : []), 412, 413, 415, 422, 428, 429),
        },
      },
      delete: {
        operationId: `delete${name}`,
        summary: `Soft-delete a ${e.label.toLowerCase()}`,
        tags: tag,
        parameters: [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } }],
        responses: { '204': { description: 'Deleted (history kept)' }, ...errors(401, 403, 404, 412) },
      },
    },
    [`${base}/{id}/events`]: {
      parameters: [idParam],
      get: { operationId: `events${name}`, summary: `History of a ${e.label.toLowerCase()}`, tags: tag, responses: { '200': json({ type: 'object', properties: { items: { type: 'array', items: ref('Event') } } }, 'Events, oldest first'), ...errors(401, 404) } },
    },
  };
}

/**
 * Builds the OpenAPI 3.1 document: the records API of each loaded entity, generated from the
 * entity's schema (list, create, read, update, delete, events, touches), plus `extra.paths`, the
 * operations of the declared routes (`RouteTable.paths()`, ADR 031) and of plugin routes.
 *
 * @example
 * ```ts
 * const doc = generateOpenApi(registry, { paths: { ...table.paths(), ...pluginPaths(registry) } });
 * ```
 */
export function generateOpenApi(registry: Registry, extra: { paths?: Record<string, Json>; schemas?: Record<string, Json> } = {}): Json {
  const schemas: Record<string, Json> = {
    Problem: {
      type: 'object',
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string' },
        errors: { type: 'array', items: { type: 'object', properties: { pointer: { type: 'string' }, parameter: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } } } },
      },
    },
    Event: { type: 'object', properties: { id: { type: 'string' }, action: { type: 'string' }, actor: { type: 'string' }, at: { type: 'string', format: 'date-time' }, before: {}, after: {}, meta: {} } },
    ...extra.schemas,
  };
  let paths: Record<string, Json> = {};
  for (const e of registry.entities.values()) {
    const name = componentName(e);
    schemas[`${name}Data`] = localize(e.schema) as Json;
    schemas[name] = recordSchema(e);
    paths = { ...paths, ...entityPaths(e) };
    const touchers = [...registry.entities.values()].filter((t) => t.touch && Object.values(t.references ?? {}).some((r) => r.entity === e.fullId)).map((t) => t.fullId);
    paths[`/api/records/${e.fullId}/touches`] = touchPath(e, touchers);
    paths[`/api/records/${e.fullId}/columns`] = columnsPath(e, paths[`/api/records/${e.fullId}`] as Json);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Pipewright API', version: '1.0.0', description: 'Generated from the loaded plugins. Errors are RFC 9457 problem+json.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths: { ...paths, ...extra.paths },
    components: { schemas },
  };
}

/**
 * Adds the shared value types (money, date...) as components, given the types schema document.
 *
 * @example
 * ```ts
 * withSharedTypes(doc, typesSchema);
 * ```
 */
export function withSharedTypes(doc: Json, typesSchema: { readonly [k: string]: unknown }): Json {
  const components = doc.components as { schemas: Record<string, unknown> };
  for (const [name, def] of Object.entries((typesSchema.$defs ?? {}) as Record<string, unknown>)) components.schemas[`Type_${name}`] = localize(def);
  return doc;
}

import { PipewrightError, ValidationError, ajvDetails, createAjv, stripRequired, type RouteSchema } from '@pipewright/core';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { readJsonObject } from './body';
import type { AppEnv } from './context';

type Json = Record<string, unknown>;
type Validate = ReturnType<ReturnType<typeof createAjv>['compile']>;

/** A query parameter: its JSON Schema, `required` when it must be given. */
export type QueryParameter = RouteSchema & { required?: boolean };

/**
 * One API route, declared once: the router, the request checks and `/openapi.json` all read it
 * (ADR 031). Paths use the router's syntax (`/:id`), relative to the table's base.
 */
export interface RouteDeclaration {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** Reachable without a session or a token (sign-in). */
  public?: boolean;
  /** Schemas of the path parameters, for the documentation (a parameter not named here is a string). */
  pathParams?: Record<string, RouteSchema>;
  /** Request headers the route reads (documentation, `schema` default a string; a guard or the handler checks them). */
  headerParams?: Record<string, { required?: boolean; description: string; schema?: RouteSchema }>;
  /** Query parameters; checked before the handler: an unknown one, a missing required one or a bad value is 400 naming it. */
  query?: Record<string, QueryParameter>;
  /** The JSON body's schema; checked before the handler: not JSON is 415, a body it refuses 422 naming each member by pointer. */
  body?: RouteSchema;
  /**
   * `handler` when the handler's own checker owns the body's shape too, because it names every
   * problem of shape and meaning in one answer (the metric queries): the body is then only read as
   * a JSON object, and `body` documents it.
   */
  bodyCheckedBy?: 'schema' | 'handler';
  /**
   * Form bodies the route takes besides the JSON `body`, by media type (`multipart/form-data`: an
   * upload), each with the schema of its fields, which documents them. A request of such a type is
   * not read as JSON: the table parses the form (400 when it cannot) and hands the fields to the
   * handler as {@link RouteInput.form}, and the handler checks them (a file is no JSON value a
   * schema could check).
   */
  forms?: Record<string, RouteSchema>;
  /** Success answers by status: a description and the JSON schema of the body (none for 204). */
  responses: Record<number, { description: string; schema?: unknown; headers?: Json }>;
  /** Problem answers the route gives besides the checks' own (400 with a query or forms, 415 and 422 with a body, 401 unless public). */
  errors?: number[];
  /** Guards run before the checks (scope, role). */
  guards?: MiddlewareHandler<AppEnv>[];
}

/** A declared route's context (path parameters through {@link RouteInput.param}). */
export type RouteContext = Context<AppEnv>;

/** What the checks let through: the JSON body (an object) and the declared query parameters given. */
export interface RouteInput {
  body: Record<string, unknown>;
  /** The fields of a form body (a media type of the declaration's `forms`), when one was sent; `body` is then empty. */
  form?: Record<string, string | File>;
  query: Record<string, string>;
  /** A path parameter of the declared path, by name. */
  param: (name: string) => string;
}

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Bad query parameter (named in the details)',
  401: 'Not signed in',
  403: 'Not allowed (role, scope or CSRF)',
  404: 'Not found or not visible',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'The record changed since the given version',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'The body is invalid; each member named by JSON pointer',
  428: 'If-Match is required',
  429: 'Rate limited (see Retry-After)',
  500: 'Unexpected failure; nothing was kept',
  503: 'Unavailable for now: storage unavailable, migrations pending or shutting down (see Retry-After)',
};
const problemResponse = (status: number) => ({ description: PROBLEM_TEXT[status] ?? 'Error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/**
 * The OpenAPI operation of a declared route, at its full path (`{id}` for `:id`).
 *
 * @example
 * ```ts
 * const [path, op] = operationOf('/api/users', ['identity'], { method: 'get', path: '/:id', operationId: 'getUser', summary: 'A user', responses: { 200: { description: 'The user' } } });
 * ```
 */
export function operationOf(base: string, tags: readonly string[], d: RouteDeclaration): [string, Json] {
  const full = `${base}${d.path === '/' ? '' : d.path}`;
  const path = full.replace(/:([A-Za-z][A-Za-z0-9_]*)/g, '{$1}');
  const pathParams = [...full.matchAll(/:([A-Za-z][A-Za-z0-9_]*)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: d.pathParams?.[m[1] as string] ?? { type: 'string' } }));
  const queryParams = Object.entries(d.query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: schema.required === true, schema: stripRequired(schema) }));
  const headerParams = Object.entries(d.headerParams ?? {}).map(([name, h]) => ({ name, in: 'header', required: h.required === true, schema: h.schema ?? { type: 'string' }, description: h.description }));
  const codes = new Set<number>([...(d.errors ?? []), ...(d.public ? [] : [401]), ...(d.query || d.forms ? [400] : []), ...(d.body ? [415, 422] : [])]);
  const responses: Json = {};
  for (const [status, r] of Object.entries(d.responses)) responses[status] = { description: r.description, ...(r.schema === undefined ? {} : { content: { 'application/json': { schema: r.schema } } }), ...(r.headers ? { headers: r.headers } : {}) };
  for (const status of [...codes].sort((a, b) => a - b)) responses[String(status)] = problemResponse(status);
  const op: Json = {
    operationId: d.operationId,
    tags: [...tags],
    summary: d.summary,
    ...(d.description ? { description: d.description } : {}),
    ...(d.public ? { security: [] } : {}),
    ...(pathParams.length || queryParams.length || headerParams.length ? { parameters: [...pathParams, ...queryParams, ...headerParams] } : {}),
    ...(d.body ? { requestBody: { required: true, content: { 'application/json': { schema: d.body }, ...Object.fromEntries(Object.entries(d.forms ?? {}).map(([media, schema]) => [media, { schema }])) } } } : {}),
    responses,
  };
  return [path, op];
}

/**
 * Routes declared once ({@link RouteDeclaration}), served by one router and documented by the
 * same declarations: `app.route(table.base, table.app)` and `table.paths()` for `/openapi.json`.
 *
 * @example
 * ```ts
 * const t = new RouteTable('/api/org-units', ['identity']);
 * t.on({ method: 'get', path: '/', operationId: 'listOrgUnits', summary: 'The org tree', responses: { 200: { description: 'OK' } } }, (c) => c.json({ items: [] }));
 * app.route(t.base, t.app);
 * ```
 */
export class RouteTable {
  readonly app = new Hono<AppEnv>();
  private readonly ajv = createAjv();
  private readonly documented: [string, string, Json][] = [];

  constructor(
    readonly base: string,
    readonly tags: readonly string[],
  ) {}

  /** Declares a route and serves it: guards, then the query and body checks, then the handler with what passed. */
  on(d: RouteDeclaration, handler: (c: RouteContext, input: RouteInput) => Response | Promise<Response>): this {
    const body = d.body && d.bodyCheckedBy !== 'handler' ? this.ajv.compile(d.body) : null;
    const readBody = d.body !== undefined;
    const query = d.query ? Object.entries(d.query).map(([name, schema]) => ({ name, schema, validate: this.ajv.compile(stripRequired(schema)) })) : null;
    const where = `${d.method.toUpperCase()} ${this.base}${d.path === '/' ? '' : d.path}`;
    const forms = d.forms ? Object.keys(d.forms) : null;
    const checked: MiddlewareHandler<AppEnv> = async (c) => {
      const q = query ? readQuery(c, query) : {};
      const form = forms ? await readForm(c, forms) : undefined;
      let input: Record<string, unknown> = {};
      if (form) return handler(c, { body: input, form, query: q, param: (name) => c.req.param(name) ?? '' });
      if (readBody) input = await readJsonObject(c);
      if (body) checkBody(body, input, where);
      return handler(c, { body: input, query: q, param: (name) => c.req.param(name) ?? '' });
    };
    this.app.on([d.method.toUpperCase()], [d.path], ...(d.guards ?? []), checked);
    const [path, op] = operationOf(this.base, this.tags, d);
    this.documented.push([path, d.method, op]);
    return this;
  }

  /** The OpenAPI paths of every declared route. */
  paths(): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const [path, method, op] of this.documented) out[path] = { ...(out[path] ?? {}), [method]: op };
    return out;
  }
}

/**
 * Checks a body against its compiled schema: 422 with one detail per member (`body.unknown-member`
 * when every problem is a member the schema does not know, `body.invalid` otherwise).
 *
 * @example
 * ```ts
 * checkBody(ajv.compile(schema), body, 'POST /api/users');
 * ```
 */
export function checkBody(validate: Validate, body: Record<string, unknown>, where: string): void {
  if (validate(body)) return;
  const details = ajvDetails(validate.errors);
  const unknownOnly = details.length > 0 && details.every((e) => e.code === 'additionalProperties');
  throw new ValidationError({
    code: unknownOnly ? 'body.unknown-member' : 'body.invalid',
    message: `The body does not match what ${where} accepts: ${details.map((e) => `${e.pointer ? `"${e.pointer.slice(1)}"` : 'the body'} ${e.message}`).join('; ')}.`.slice(0, 1000),
    details,
  });
}

/**
 * The fields of a form body when the request's media type is one of `media` (undefined otherwise):
 * 400 `malformed-form` when the body cannot be parsed as that form.
 *
 * @example
 * ```ts
 * const form = await readForm(c, ['multipart/form-data']); // { file: File, mapping: '{...}' }
 * ```
 */
export async function readForm(c: Context, media: readonly string[]): Promise<Record<string, string | File> | undefined> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!media.includes(type)) return undefined;
  try {
    return await c.req.parseBody();
  } catch (err) {
    throw new PipewrightError({ code: 'malformed-form', status: 400, message: `The body is not valid ${type}: ${(err as Error).message}`, extensions: { media: type } });
  }
}

/**
 * Query parameters by their declared schemas: unknown ones and missing required ones are 400,
 * bad values 400 naming the parameter.
 *
 * @example
 * ```ts
 * const q = readQuery(c, [{ name: 'limit', schema: { type: 'integer' }, validate }]);
 * ```
 */
export function readQuery(c: Context, declared: { name: string; schema: QueryParameter; validate: Validate }[]): Record<string, string> {
  const problems: { pointer: string; parameter: string; message: string; code: string }[] = [];
  const given = c.req.query();
  const names = new Set(declared.map((d) => d.name));
  for (const key of Object.keys(given)) if (!names.has(key)) problems.push({ pointer: '', parameter: key, message: `unknown query parameter${names.size ? `; use ${[...names].join(', ')}` : ''}`, code: 'invalid-parameter' });
  const out: Record<string, string> = {};
  for (const d of declared) {
    const raw = given[d.name];
    if (raw === undefined) {
      if (d.schema.required) problems.push({ pointer: '', parameter: d.name, message: 'is required', code: 'required' });
      continue;
    }
    const type = d.schema.type;
    const value = type === 'integer' || type === 'number' ? (raw.trim() === '' ? Number.NaN : Number(raw)) : type === 'boolean' ? (raw === 'true' ? true : raw === 'false' ? false : raw) : raw;
    if (!d.validate(value)) problems.push({ pointer: '', parameter: d.name, message: ajvDetails(d.validate.errors).map((e) => e.message).join('; '), code: 'invalid-parameter' });
    else out[d.name] = raw;
  }
  if (problems.length > 0) throw new ValidationError({ code: 'query.invalid', status: 400, message: `Bad query parameters: ${problems.map((p) => `${p.parameter} ${p.message}`).join('; ')}.`, details: problems });
  return out;
}

import fc, { type Arbitrary } from 'fast-check';
import { resolve, type OpenApiDocument, type Operation, type Schema } from './spec';

/** Who sends a request. */
export type Caller = 'admin' | 'rep' | 'anonymous';

/** A request the fuzzer sends, and whether its body is invalid by construction. */
export interface FuzzRequest {
  caller: Caller;
  method: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: string;
  /** True when the body breaks the operation's contract for sure: no 2xx may answer it. */
  invalidBody: boolean;
  /** How the body was made, for the report. */
  bodyKind: string;
}

/** Ids and names that exist on the server, so that some requests reach deep into the handlers. */
export interface Pools {
  recordIds: string[];
  userIds: string[];
  unitIds: string[];
  processIds: string[];
  entityTypes: string[];
  stages: string[];
}

const EDGE_STRINGS = ['', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '😀', 'null', 'true', '-1', '0', '1e309', 'NaN', '0000-01-01', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '10000-01-01', '+010000-01-01T00:00:00Z', '2026-02-30', "'; drop table records; --", '%', '_', '\\', '../..', '__proto__', 'constructor', '{}', '[]', 'a'.repeat(300), 'b'.repeat(5000)];
const EDGE_NUMBERS = [0, -1, -0.5, 1e308, -1e308, 2 ** 53 + 1, 1e-320, 0.1, 999999999999];

/** Any text, edge cases first. */
export const text: Arbitrary<string> = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...EDGE_STRINGS) }, { weight: 2, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) });

/** Any JSON value, small. */
export const anyJson: Arbitrary<unknown> = fc.oneof(fc.constantFrom<unknown>(null, true, false, [], {}, ...EDGE_NUMBERS), text, fc.jsonValue({ maxDepth: 3 }));

const pick = <T>(values: T[], fallback: Arbitrary<T>): Arbitrary<T> => (values.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fallback }) : fallback);

/** A value for a path parameter, by its name. */
function pathValue(name: string, pools: Pools, template: string): Arbitrary<string> {
  const uuid = fc.uuid();
  if (name === 'id') {
    if (/\/(records|deals)\//.test(template)) return pick(pools.recordIds, uuid);
    if (template.startsWith('/api/users/')) return pick(pools.userIds, text);
    if (template.startsWith('/api/processes/')) return pick(pools.processIds, text);
    if (template.startsWith('/api/org-units/')) return pick(pools.unitIds, text);
  }
  switch (name) {
    case 'type':
      return pick(pools.entityTypes, text);
    case 'id':
      return fc.oneof(pick(pools.recordIds, uuid), pick(pools.processIds, text), pick(pools.userIds, text), pick(pools.unitIds, text));
    case 'userId':
      return pick(pools.userIds, text);
    case 'version':
      return fc.oneof(fc.constantFrom('1', '2', '0', '-1', '99999999999', 'x'), fc.integer().map(String));
    default:
      return text;
  }
}

/** A value for a query parameter: documented ones get plausible values, every one gets junk too. */
function queryValue(name: string, schema: Schema, pools: Pools): Arbitrary<string> {
  const plausible: Arbitrary<string>[] = [];
  if (schema.enum?.length) plausible.push(fc.constantFrom(...schema.enum.map(String)));
  if (schema.type === 'boolean') plausible.push(fc.constantFrom('true', 'false'));
  if (schema.type === 'integer' || schema.type === 'number' || name === 'limit') plausible.push(fc.integer({ min: -5, max: 2000 }).map(String));
  if (name === 'asOf' || name === 'from' || name === 'to') plausible.push(fc.constantFrom('2026-01-01', '2025-06-30T12:00:00Z', '0001-01-01', '0000-01-01', '9999-12-31'));
  if (name === 'process') plausible.push(pick(pools.processIds, text));
  if (name === 'ids' || name === 'record') plausible.push(fc.array(pick(pools.recordIds, fc.uuid()), { minLength: 1, maxLength: 3 }).map((a) => a.join(',')));
  if (name === 'sort') plausible.push(fc.constantFrom('name', '-createdAt', 'amount,-name', 'stage', '-version', 'nope', ''));
  if (name === 'cursor') plausible.push(fc.tuple(fc.constantFrom('-createdAt', 'name', 'amount'), fc.array(anyJson, { maxLength: 3 })).map(([s, v]) => Buffer.from(JSON.stringify({ s, v })).toString('base64url')));
  if (name.startsWith('filter[')) plausible.push(fc.oneof(pick(pools.recordIds, text), fc.constantFrom('1', '1000.5', 'true', '2026-01-01', '2026-01-01T00:00:00Z', 'a,b,c')));
  if (name === 'userId' || name === 'actor') plausible.push(pick(pools.userIds.flatMap((u) => [u, `user:${u}`]), text));
  if (name === 'entity') plausible.push(pick(pools.entityTypes, text));
  return plausible.length ? fc.oneof({ weight: 3, arbitrary: fc.oneof(...plausible) }, { weight: 1, arbitrary: text }) : text;
}

/** A value meant to fit a schema (loosely: it may still be refused for its meaning). */
export function fromSchema(doc: OpenApiDocument, raw: Schema, pools: Pools, depth = 0, lean = false): Arbitrary<unknown> {
  const s = resolve(doc, raw);
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => fromSchema(doc, a, pools, depth + 1)));
  if (s.allOf?.length) return fromSchema(doc, s.allOf[0] as Schema, pools, depth + 1);
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'null') : s.type;
  switch (type) {
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 });
      const required = new Set(s.required ?? []);
      // Lean values hold only required members: likelier to be accepted, so writes succeed too.
      const members = Object.fromEntries(props.filter(([k]) => !lean || required.has(k)).map(([k, v]) => [k, fromSchema(doc, v, pools, depth + 1, lean)]));
      return fc.record(members, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
    }
    case 'array':
      return fc.array(fromSchema(doc, s.items ?? {}, pools, depth + 1, lean), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'integer':
      return fc.integer({ min: s.minimum ?? -10, max: s.maximum ?? 1_000_000 });
    case 'number':
      return fc.oneof(fc.double({ min: s.minimum ?? -10, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(...EDGE_NUMBERS));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string': {
      if (s.format === 'date') return fc.constantFrom('2026-01-15', '2025-12-31', '0001-01-01');
      if (s.format === 'date-time') return fc.constantFrom('2026-01-15T10:00:00Z', '2025-12-31T23:59:59.999Z');
      if (s.format === 'uuid') return pick(pools.recordIds, fc.uuid());
      return fc.oneof({ weight: 3, arbitrary: fc.oneof(pick(pools.recordIds, fc.string({ minLength: 1, maxLength: 12 })), pick(pools.userIds, fc.string({ minLength: 1, maxLength: 12 })), pick(pools.stages, fc.string({ minLength: 1, maxLength: 12 }))) }, { weight: 1, arbitrary: text });
    }
    default:
      return anyJson;
  }
}

/** Percent-encodes a path segment; a lone surrogate goes as its WTF-8 bytes (invalid UTF-8, on purpose). */
function encodeSegment(value: string): string {
  return value.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      const c = ch.charCodeAt(0);
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }
  });
}

/** `{"a":{"a":...}}` nested `depth` levels, as text (a value this deep cannot be built safely). */
const deepText = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Bodies: plausible, edge (plausible with one member spoiled) and invalid by construction. */
function bodyOf(doc: OpenApiDocument, op: Operation, pools: Pools): Arbitrary<{ text: string; contentType: string; invalid: boolean; kind: string }> {
  const schema = op.body ?? {};
  const plausible = fromSchema(doc, schema, pools);
  const json = (kind: string, invalid = false) => (v: unknown) => ({ text: JSON.stringify(v), contentType: 'application/json', invalid, kind });
  const spoiled = fc.tuple(plausible, fc.string({ maxLength: 10 }), anyJson).map(([v, key, junk]) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...(v as object), [Object.keys(v as object)[0] ?? key]: junk } : v));
  const withProto = plausible.map((v) => {
    const t = JSON.stringify(v);
    return t.startsWith('{') && t.length > 2 ? `{"__proto__":{"x":1},${t.slice(1)}` : t;
  });
  const resolved = resolve(doc, schema);
  const invalid: Arbitrary<{ text: string; contentType: string; invalid: boolean; kind: string }>[] = [
    fc.constantFrom('', '{', '{"a":}', 'nul', '[1,]', '\u0000', '{"a":1}x').map((t) => ({ text: t, contentType: 'application/json', invalid: true, kind: 'malformed' })),
    fc.constantFrom<unknown>([], 1, 'text', null, [{}]).map(json('not-object', true)),
    plausible.map((v) => ({ text: JSON.stringify(v), contentType: 'text/plain', invalid: true, kind: 'wrong-media-type' })),
    fc.integer({ min: 201, max: 20_000 }).map((d) => ({ text: `{"deep":${deepText(d)}}`, contentType: 'application/json', invalid: true, kind: 'too-deep' })),
    fc.tuple(plausible, fc.constantFrom('\u0000', '\ud800', 'a\udc00')).map(([v, bad]) => {
      const t = JSON.stringify(v);
      const escaped = JSON.stringify(bad).slice(1, -1);
      return { text: t.startsWith('{') && t.length > 2 ? `{"${escaped}":"${escaped}",${t.slice(1)}` : `{"x":"${escaped}"}`, contentType: 'application/json', invalid: true, kind: 'bad-text' };
    }),
  ];
  if ((resolved.required ?? []).length > 0) invalid.push(plausible.map((v) => ({ ...json('missing-required', true)(Object.fromEntries(Object.entries(v as object).filter(([k]) => !(resolved.required ?? []).includes(k)))) })));
  if (resolved.additionalProperties === false) invalid.push(plausible.map((v) => json('unknown-member', true)({ ...(v as object), zz_unknown_member: 1 })));
  return fc.oneof(
    { weight: 3, arbitrary: plausible.map(json('plausible')) },
    { weight: 3, arbitrary: fromSchema(doc, schema, pools, 0, true).map(json('lean')) },
    { weight: 2, arbitrary: spoiled.map(json('spoiled')) },
    { weight: 1, arbitrary: withProto.map((t) => ({ text: t, contentType: 'application/json', invalid: false, kind: '__proto__' })) },
    { weight: 3, arbitrary: fc.oneof(...invalid) },
  );
}

/**
 * Requests for one operation: its documented path, query and header parameters with plausible,
 * edge and malformed values (plus undocumented ones), bodies as above, from each caller.
 *
 * @example
 * ```ts
 * fc.sample(requestsFor(doc, op, pools), 10);
 * ```
 */
export function requestsFor(doc: OpenApiDocument, op: Operation, pools: Pools): Arbitrary<FuzzRequest> {
  const path = fc.tuple(...op.pathParams.map((p) => pathValue(p, pools, op.path))).map((values) => op.pathParams.reduce((acc, p, i) => acc.replace(`{${p}}`, encodeSegment(values[i] as string)), op.path));
  const documented = op.query.map((q) => fc.option(queryValue(q.name, q.schema, pools).map((v) => [q.name, v] as [string, string]), { freq: 2, nil: undefined }));
  const query = fc.tuple(fc.tuple(...documented), fc.option(fc.tuple(fc.constantFrom('filter[nope]', 'filter[name][zz]', 'x', 'sort', 'limit', '__proto__'), text), { freq: 4, nil: undefined })).map(([docd, extra]) => [...docd, extra].filter((x): x is [string, string] => x !== undefined));
  const headers = fc.record(
    {
      'if-match': fc.constantFrom('"1"', '"2"', '"3"', '*', 'W/"1"', '"x"', '1', '"99999999999999999999"', ''),
      'idempotency-key': fc.oneof(fc.uuid(), fc.constantFrom('', 'k', 'x'.repeat(300))),
      'accept-language': fc.constantFrom('zh-CN', 'en', '*'),
    },
    { requiredKeys: [] },
  );
  const body = op.body ? fc.option(bodyOf(doc, op, pools), { freq: 12, nil: undefined }) : fc.constant(undefined);
  return fc.record({ caller: fc.constantFrom<Caller>('admin', 'admin', 'rep', 'rep', 'anonymous'), path, query, headers, body }).map(({ caller, path: p, query: q, headers: h, body: b }) => {
    const missing = op.body !== undefined && op.bodyRequired && b === undefined;
    return {
      caller,
      method: op.method,
      path: p,
      query: q,
      headers: { ...h, ...(b ? { 'content-type': b.contentType } : {}) },
      ...(b ? { body: b.text } : {}),
      invalidBody: Boolean(b?.invalid) || missing,
      bodyKind: b?.kind ?? (missing ? 'missing' : 'none'),
    };
  });
}

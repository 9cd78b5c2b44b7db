import { ValidationError, actionTypeOf, diffProcesses, redactProcessSecrets, secretProperties, type ProcessDefinition } from '@pipewright/core';
import { adminOnly, readOrWrite } from '../../auth/guards';
import { hasRole, hasScope, type Principal } from '../../auth/principal';
import { RouteTable } from '../../http/declare';
import { backtest } from '../backtest';
import type { ProcessRuntime } from '../runtime';
import { migrateRecords } from '../migrate-records';
import { dateParam, intParam, requiredIfMatch } from './params';
import { requestLocale } from '../../http/locale';
import { localizeDetails } from '../../http/problem-i18n';

const PROCESS_ID = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'The process id.' } as const;
/** A definition is checked by the process checker, which names every problem by JSON pointer in one 422. */
const DEFINITION = { type: 'object', description: 'A process definition (schemas/process.schema.json).' } as const;
const VERSION_NUMBER = { type: 'integer', minimum: 1, maximum: 999_999_999 } as const;
const SIDE = { type: 'string', pattern: '^(draft|[1-9][0-9]{0,8})$', description: 'A version number or "draft".' } as const;
const ETAG = { ETag: { schema: { type: 'string' }, description: 'The draft revision, for If-Match.' } };
const IF_MATCH = (required: boolean) => ({ 'If-Match': { required, description: required ? 'The draft revision read before the change (e.g. "3").' : 'When given, the draft revision being published (412 when it changed since).' } });
const SUMMARY = {
  type: 'object',
  required: ['id', 'entity', 'label', 'source', 'draftRevision', 'latestVersion', 'updatedAt', 'updatedBy'],
  properties: { id: { type: 'string' }, entity: { type: 'string' }, label: { description: 'A text, or the text by language.' }, source: { type: 'string', description: '`api`, or `plugin:<id>` for a process a plugin ships.' }, draftRevision: { type: 'integer' }, latestVersion: { type: ['integer', 'null'] }, updatedAt: { type: 'string', format: 'date-time' }, updatedBy: { type: 'string' } },
};
const DETAIL = {
  ...SUMMARY,
  required: [...SUMMARY.required, 'draft', 'versions'],
  properties: {
    ...SUMMARY.properties,
    draft: DEFINITION,
    versions: { type: 'array', items: { type: 'object', required: ['version', 'publishedAt', 'publishedBy'], properties: { version: { type: 'integer' }, publishedAt: { type: 'string', format: 'date-time' }, publishedBy: { type: 'string' } } } },
    shipped: { ...DEFINITION, description: 'What the process\'s plugin ships now, when a start kept an admin\'s draft over a changed plugin version and no draft was saved since (ADR 029).' },
  },
};
const PUBLISHED = { type: 'object', required: ['id', 'version', 'publishedAt', 'publishedBy', 'definition'], properties: { id: { type: 'string' }, version: { type: 'integer' }, publishedAt: { type: 'string', format: 'date-time' }, publishedBy: { type: 'string' }, definition: DEFINITION, rules: { type: 'object', description: 'The saved rules its guards use, pinned at their versions (ADR 032).' } } };

/**
 * `/api/processes`, declared once (ADR 031): list and read processes, their versions and diffs
 * (any signed-in user; secret action configuration such as webhook URLs is redacted for all but
 * admins); create, edit drafts (If-Match on the draft revision), check, publish, migrate records
 * between versions (dry run first) and simulate a draft on past transitions (admins only).
 *
 * @example
 * ```ts
 * const t = processRoutes(runtime);
 * app.route(t.base, t.app);
 * ```
 */
export function processRoutes(rt: ProcessRuntime): RouteTable {
  const t = new RouteTable('/api/processes', ['processes']);
  const defs = rt.definitions;
  const reading = [readOrWrite()];
  const writing = [readOrWrite(), adminOnly()];
  const id = { id: PROCESS_ID };

  /** Secrets in definitions (webhook URLs, headers: `writeOnly` config) are for admins only. */
  const forReader = (p: Principal, def: ProcessDefinition): ProcessDefinition =>
    hasRole(p, 'admin') && hasScope(p, 'admin') ? def : redactProcessSecrets(def, (type) => secretProperties(actionTypeOf(defs.registry, type)?.configSchema));

  t.on({ method: 'get', path: '/', operationId: 'listProcesses', summary: 'Processes (with their latest published version)', guards: reading, query: { entity: { type: 'string', maxLength: 200, description: 'Only processes of this entity.' } }, responses: { 200: { description: 'Processes', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: SUMMARY } } } } }, errors: [403, 429] }, async (c, { query }) => c.json({ items: await defs.list(query.entity) }));

  t.on({ method: 'post', path: '/', operationId: 'createProcess', summary: 'Create a process (admin); the definition is checked, every problem named by JSON pointer', guards: writing, body: DEFINITION, bodyCheckedBy: 'handler', responses: { 201: { description: 'Created', schema: DETAIL, headers: ETAG } }, errors: [403, 409, 429] }, async (c, { body }) => {
    const created = await defs.create(body, c.get('actor'));
    c.header('ETag', `"${created.draftRevision}"`);
    c.header('Location', `/api/processes/${created.id}`);
    return c.json(created, 201);
  });

  t.on({ method: 'get', path: '/:id', operationId: 'getProcess', summary: 'A process: its draft, draft revision and versions', guards: reading, pathParams: id, responses: { 200: { description: 'The process', schema: DETAIL, headers: ETAG } }, errors: [403, 404, 429] }, async (c, { param }) => {
    const p = await defs.get(param('id'));
    c.header('ETag', `"${p.draftRevision}"`);
    return c.json({ ...p, draft: forReader(c.get('actor'), p.draft) });
  });

  t.on({ method: 'put', path: '/:id', operationId: 'saveProcessDraft', summary: 'Replace the draft (admin); checked, every problem with a JSON pointer', guards: writing, pathParams: id, headerParams: IF_MATCH(true), body: DEFINITION, bodyCheckedBy: 'handler', responses: { 200: { description: 'Saved', schema: DETAIL, headers: ETAG } }, errors: [400, 403, 404, 412, 428, 429] }, async (c, { body, param }) => {
    const expected = requiredIfMatch(c.req.header('if-match'));
    const saved = await defs.saveDraft(param('id'), body, expected, c.get('actor'));
    c.header('ETag', `"${saved.draftRevision}"`);
    return c.json(saved);
  });

  t.on({ method: 'post', path: '/:id/check', operationId: 'checkProcess', summary: 'Check a candidate definition without saving it (admin); problems in the request\'s language', guards: writing, pathParams: id, body: DEFINITION, bodyCheckedBy: 'handler', responses: { 200: { description: 'Problems, each with a JSON pointer', schema: { type: 'object', required: ['valid', 'problems'], properties: { valid: { type: 'boolean' }, problems: { type: 'array', items: { type: 'object', properties: { pointer: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } } } } } }, errors: [403, 404, 429] }, async (c, { body, param }) => {
    await defs.get(param('id'));
    const { problems } = await defs.check(body);
    c.header('Vary', 'Accept-Language', { append: true });
    return c.json({ valid: problems.length === 0, problems: localizeDetails(problems, requestLocale(c)) });
  });

  t.on({ method: 'post', path: '/:id/publish', operationId: 'publishProcess', summary: 'Publish the draft as the next immutable version (admin)', guards: writing, pathParams: id, headerParams: IF_MATCH(false), responses: { 201: { description: 'Published', schema: PUBLISHED } }, errors: [400, 403, 404, 409, 412, 422, 429] }, async (c, { param }) => {
    const header = c.req.header('if-match');
    const published = await defs.publish(param('id'), c.get('actor'), header === undefined ? undefined : requiredIfMatch(header));
    c.header('Location', `/api/processes/${published.id}/versions/${published.version}`);
    return c.json(published, 201);
  });

  t.on({ method: 'get', path: '/:id/versions/:version', operationId: 'getProcessVersion', summary: 'A published version', guards: reading, pathParams: { ...id, version: VERSION_NUMBER }, responses: { 200: { description: 'The version', schema: { type: 'object', required: ['id', 'version', 'definition'], properties: { id: { type: 'string' }, version: { type: 'integer' }, definition: DEFINITION } } } }, errors: [400, 403, 404, 429] }, async (c, { param }) => {
    const version = intParam(param('version'), 'version') as number;
    return c.json({ id: param('id'), version, definition: forReader(c.get('actor'), await defs.definition(param('id'), version)) });
  });

  t.on({ method: 'get', path: '/:id/diff', operationId: 'diffProcessVersions', summary: 'Machine-readable diff of two versions (or a version and the draft)', guards: reading, pathParams: id, query: { from: { ...SIDE, required: true }, to: { ...SIDE, required: true } }, responses: { 200: { description: 'Stages, transitions and rules added, removed or changed', schema: { type: 'object', required: ['id', 'from', 'to'], properties: { id: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } } } }, errors: [403, 404, 429] }, async (c, { param, query }) => {
    const side = async (raw: string): Promise<ProcessDefinition> => forReader(c.get('actor'), raw === 'draft' ? (await defs.get(param('id'))).draft : await defs.definition(param('id'), Number(raw)));
    const [a, b] = [await side(query.from as string), await side(query.to as string)];
    return c.json({ id: param('id'), from: query.from, to: query.to, ...diffProcesses(a, b) });
  });

  t.on(
    {
      method: 'post',
      path: '/:id/migrations',
      operationId: 'migrateProcessRecords',
      summary: 'Move records from one version to another with a stage mapping (admin); dry run by default',
      guards: writing,
      pathParams: id,
      body: { type: 'object', required: ['fromVersion', 'toVersion'], additionalProperties: false, properties: { fromVersion: VERSION_NUMBER, toVersion: VERSION_NUMBER, stageMapping: { type: 'object', additionalProperties: { type: 'string' }, description: 'Stage of the old version -> stage of the new one.' }, dryRun: { type: 'boolean', default: true }, limit: { type: 'integer', minimum: 1, maximum: 100_000, description: 'Move at most this many records in this call (the rest is counted in `remaining`); call again to continue.' } } },
      responses: { 200: { description: 'Dry run: each record\'s fate', schema: { type: 'object' } }, 201: { description: 'Migrated: each record\'s fate; invalid ones were not moved', schema: { type: 'object' } } },
      errors: [403, 404, 409, 429],
    },
    async (c, { body, param }) => {
      const b = body as { fromVersion: number; toVersion: number; stageMapping?: Record<string, string>; dryRun?: boolean; limit?: number };
      const dryRun = b.dryRun ?? true;
      const report = await migrateRecords(rt.db, defs, rt.queue, { processId: param('id'), fromVersion: b.fromVersion, toVersion: b.toVersion, stageMapping: b.stageMapping ?? {}, dryRun, actor: c.get('actor'), ...(b.limit ? { limit: b.limit } : {}) }, rt.now);
      return c.json(report, dryRun ? 200 : 201);
    },
  );

  t.on(
    {
      method: 'post',
      path: '/:id/simulate',
      operationId: 'simulateProcess',
      summary: 'Backtest the draft (or a candidate definition) on the recorded transitions of past records (admin)',
      guards: writing,
      pathParams: id,
      body: { type: 'object', additionalProperties: false, properties: { definition: DEFINITION, since: { type: 'string', maxLength: 40, description: 'ISO date or date-time.' }, until: { type: 'string', maxLength: 40, description: 'ISO date or date-time.' }, sampleSize: { type: 'integer', minimum: 1, maximum: 1000 } } },
      responses: { 200: { description: 'How many transitions would have been blocked, by which rule or requirement, on which records', schema: { type: 'object' } } },
      errors: [400, 403, 404, 429],
    },
    async (c, { body, param }) => {
      const b = body as { definition?: Record<string, unknown>; since?: string; until?: string; sampleSize?: number };
      const id = param('id');
      const stored = await defs.get(id);
      if (b.definition && (b.definition.id !== id || b.definition.entity !== stored.entity)) throw new ValidationError({ code: 'body.invalid', message: `The definition must be process "${id}" on ${stored.entity}.`, details: [{ pointer: '/definition/id', message: 'must match the process', code: 'const' }] });
      const draft = await defs.draft(id, b.definition ?? stored.draft);
      const since = dateParam(b.since, 'since');
      const until = dateParam(b.until, 'until');
      return c.json(await backtest(rt.db, id, draft, { ...(since ? { since } : {}), ...(until ? { until } : {}), ...(b.sampleSize ? { sampleSize: b.sampleSize } : {}) }));
    },
  );

  return t;
}

import { ValidationError, actionTypeOf, diffProcesses, redactProcessSecrets, secretProperties, type ProcessDefinition } from '@pipewright/core';
import { Hono } from 'hono';
import { adminOnly, readOrWrite } from '../../auth/guards';
import { hasRole, hasScope, type Principal } from '../../auth/principal';
import { readJsonObject, onlyMembers } from '../../http/body';
import type { AppEnv } from '../../http/context';
import { backtest } from '../backtest';
import type { ProcessRuntime } from '../runtime';
import { migrateRecords } from '../migrate-records';
import { dateParam, intParam, requiredIfMatch } from './params';
import { requestLocale } from '../../http/locale';
import { localizeDetails } from '../../http/problem-i18n';

const objectMember = (body: Record<string, unknown>, key: string, optional = false): Record<string, unknown> | undefined => {
  const v = body[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValidationError({ code: 'body.invalid', message: `"${key}" must be an object.`, details: [{ pointer: `/${key}`, message: v === undefined ? 'is required' : 'must be an object', code: v === undefined ? 'required' : 'type' }] });
  return v as Record<string, unknown>;
};

/**
 * `/api/processes`: list and read processes, their versions and diffs (any signed-in user;
 * secret action configuration such as webhook URLs is redacted for all but admins);
 * create, edit drafts (If-Match on the draft revision), check, publish, migrate records between
 * versions (dry run first) and simulate a draft on past transitions (admins only).
 *
 * @example
 * ```ts
 * app.route('/api/processes', processRoutes(runtime));
 * ```
 */
export function processRoutes(rt: ProcessRuntime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const defs = rt.definitions;
  app.use('*', readOrWrite());
  app.use('*', async (c, next) => (c.req.method === 'GET' ? next() : adminOnly()(c, next)));

  /** Secrets in definitions (webhook URLs, headers: `writeOnly` config) are for admins only. */
  const forReader = (p: Principal, def: ProcessDefinition): ProcessDefinition =>
    hasRole(p, 'admin') && hasScope(p, 'admin') ? def : redactProcessSecrets(def, (type) => secretProperties(actionTypeOf(defs.registry, type)?.configSchema));

  app.get('/', async (c) => c.json({ items: await defs.list(c.req.query('entity')) }));
  app.post('/', async (c) => {
    const created = await defs.create(await readJsonObject(c), c.get('actor'));
    c.header('ETag', `"${created.draftRevision}"`);
    c.header('Location', `/api/processes/${created.id}`);
    return c.json(created, 201);
  });
  app.get('/:id', async (c) => {
    const p = await defs.get(c.req.param('id'));
    c.header('ETag', `"${p.draftRevision}"`);
    return c.json({ ...p, draft: forReader(c.get('actor'), p.draft) });
  });
  app.put('/:id', async (c) => {
    const expected = requiredIfMatch(c.req.header('if-match'));
    const saved = await defs.saveDraft(c.req.param('id'), await readJsonObject(c), expected, c.get('actor'));
    c.header('ETag', `"${saved.draftRevision}"`);
    return c.json(saved);
  });
  app.post('/:id/check', async (c) => {
    await defs.get(c.req.param('id'));
    const { problems } = await defs.check(await readJsonObject(c));
    c.header('Vary', 'Accept-Language', { append: true });
    return c.json({ valid: problems.length === 0, problems: localizeDetails(problems, requestLocale(c)) });
  });
  app.post('/:id/publish', async (c) => {
    const header = c.req.header('if-match');
    const published = await defs.publish(c.req.param('id'), c.get('actor'), header === undefined ? undefined : requiredIfMatch(header));
    c.header('Location', `/api/processes/${published.id}/versions/${published.version}`);
    return c.json(published, 201);
  });
  app.get('/:id/versions/:version', async (c) => {
    const id = c.req.param('id');
    return c.json({ id, version: intParam(c.req.param('version'), 'version'), definition: forReader(c.get('actor'), await defs.definition(id, intParam(c.req.param('version'), 'version') as number)) });
  });
  app.get('/:id/diff', async (c) => {
    const id = c.req.param('id');
    const side = async (name: 'from' | 'to'): Promise<ProcessDefinition> => {
      const raw = c.req.query(name);
      const def = raw === 'draft' ? (await defs.get(id)).draft : await defs.definition(id, intParam(raw, name) as number);
      return forReader(c.get('actor'), def);
    };
    const [a, b] = [await side('from'), await side('to')];
    return c.json({ id, from: c.req.query('from'), to: c.req.query('to'), ...diffProcesses(a, b) });
  });
  app.post('/:id/migrations', async (c) => {
    const id = c.req.param('id');
    const body = await readJsonObject(c);
    onlyMembers(body, ['fromVersion', 'toVersion', 'stageMapping', 'dryRun', 'limit']);
    const num = (k: string) => intParam(typeof body[k] === 'number' ? String(body[k]) : typeof body[k] === 'string' ? (body[k] as string) : body[k] === undefined ? undefined : 'x', k);
    const mapping = objectMember(body, 'stageMapping', true) ?? {};
    for (const [k, v] of Object.entries(mapping)) if (typeof v !== 'string') throw new ValidationError({ code: 'body.invalid', message: 'stageMapping values must be stage ids.', details: [{ pointer: `/stageMapping/${k}`, message: 'must be a string', code: 'type' }] });
    const dryRun = body.dryRun === undefined ? true : body.dryRun;
    if (typeof dryRun !== 'boolean') throw new ValidationError({ code: 'body.invalid', message: '"dryRun" must be true or false.', details: [{ pointer: '/dryRun', message: 'must be a boolean', code: 'type' }] });
    const limit = body.limit === undefined ? undefined : intParam(typeof body.limit === 'number' ? String(body.limit) : 'x', 'limit', { max: 100_000 });
    const report = await migrateRecords(rt.db, defs, rt.queue, { processId: id, fromVersion: num('fromVersion') as number, toVersion: num('toVersion') as number, stageMapping: mapping as Record<string, string>, dryRun, actor: c.get('actor'), ...(limit ? { limit } : {}) }, rt.now);
    return c.json(report, dryRun ? 200 : 201);
  });
  app.post('/:id/simulate', async (c) => {
    const id = c.req.param('id');
    const body = await readJsonObject(c);
    onlyMembers(body, ['definition', 'since', 'until', 'sampleSize']);
    const stored = await defs.get(id);
    const candidate = objectMember(body, 'definition', true);
    if (candidate && (candidate.id !== id || candidate.entity !== stored.entity)) throw new ValidationError({ code: 'body.invalid', message: `The definition must be process "${id}" on ${stored.entity}.`, details: [{ pointer: '/definition/id', message: 'must match the process', code: 'const' }] });
    const draft = await defs.draft(id, candidate ?? stored.draft);
    const since = dateParam(typeof body.since === 'string' ? body.since : undefined, 'since');
    const until = dateParam(typeof body.until === 'string' ? body.until : undefined, 'until');
    const sampleSize = body.sampleSize === undefined ? undefined : intParam(String(body.sampleSize), 'sampleSize', { max: 1000 });
    return c.json(await backtest(rt.db, id, draft, { ...(since ? { since } : {}), ...(until ? { until } : {}), ...(sampleSize ? { sampleSize } : {}) }));
  });
  return app;
}

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPluginAction } from '../src/jobs/plugin-actions';
import { syncPluginQueues } from '../src/plugins/jobs';
import { backends, startServer, type ApiFetch, type TestServer } from './harness';
import { eventually, expectJson } from './process/helpers';

const VISITS = fileURLToPath(new URL('./fixtures/service-plugin', import.meta.url));

interface View {
  id: string;
  version: number;
  data: Record<string, unknown>;
}
interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { pointer: string; message: string; code?: string }[];
}

const createVisit = (api: ApiFetch, data: Record<string, unknown>) => api('/api/records/acme_visits.visit', { method: 'POST', json: { data } });
const logsOf = async (server: TestServer, visitId: string, operation: string) =>
  (await server.platform.database.db.selectFrom('records').select('id').where('type', '=', 'acme_visits.visit_log').where(({ eb, ref }) => eb(ref('data', '->>').key('visit_id' as never), '=', visitId)).where(({ eb, ref }) => eb(ref('data', '->>').key('operation' as never), '=', operation)).execute()).length;
const countType = async (server: TestServer, type: string, subject?: string) => {
  let q = server.platform.database.db.selectFrom('records').select('id').where('type', '=', type);
  if (subject !== undefined) q = q.where(({ eb, ref }) => eb(ref('data', '->>').key('subject' as never), '=', subject));
  return (await q.execute()).length;
};

describe.each(backends())('the server plugin API on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_PLUGINS: VISITS, PIPEWRIGHT_PLUGIN_ACME_VISITS_MAX_MINUTES: '90' });
  });
  afterAll(() => server?.close());

  describe('record hooks', () => {
    it('beforeChange shapes the body, afterChange writes in the same transaction, both as the caller', async () => {
      const rep = server.as('rep');
      const v = await expectJson<View>(createVisit(rep.api, { subject: '  Kick-off  ', minutes: 30 }), 201);
      expect(v.data).toMatchObject({ subject: 'Kick-off', summary: 'Visit: Kick-off', minutes: 30 });
      expect(await logsOf(server, v.id, 'create')).toBe(1);
      const patched = await expectJson<View>(rep.api(`/api/records/acme_visits.visit/${v.id}`, { method: 'PATCH', headers: { 'if-match': `"${v.version}"` }, json: { data: { subject: 'Review' } } }), 200);
      expect(patched.data.summary).toBe('Visit: Review');
      expect(await logsOf(server, v.id, 'update')).toBe(1);
    });

    it('validate problems answer 422 problem+json with pointers, from config, and nothing is written', async () => {
      const before = await countType(server, 'acme_visits.visit');
      const res = await createVisit(server.api, { subject: 'Nothing', minutes: 91 });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const p = (await res.json()) as Problem;
      expect(p.code).toBe('record.refused-by-plugin');
      expect(p.errors?.map((e) => e.pointer).sort()).toEqual(['/data/minutes', '/data/subject']);
      expect(p.errors?.find((e) => e.pointer === '/data/minutes')?.message).toBe('at most 90 minutes');
      expect(await countType(server, 'acme_visits.visit')).toBe(before);
    });

    it('validate also runs on updates and deletes', async () => {
      const v = await expectJson<View>(createVisit(server.api, { subject: 'Locked one', locked: true }), 201);
      const tooLong = await expectJson<Problem>(server.api(`/api/records/acme_visits.visit/${v.id}`, { method: 'PATCH', headers: { 'if-match': `"${v.version}"` }, json: { data: { minutes: 500 } } }), 422);
      expect(tooLong.errors?.[0]?.pointer).toBe('/data/minutes');
      const del = await expectJson<Problem>(server.api(`/api/records/acme_visits.visit/${v.id}`, { method: 'DELETE' }), 422);
      expect(del.detail).toContain('a locked visit cannot be deleted');
      await expectJson<View>(server.api(`/api/records/acme_visits.visit/${v.id}`), 200);
    });

    it('hooks a declared dependency\'s entity (crm.account)', async () => {
      const p = await expectJson<Problem>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Forbidden Corp', status: 'active' } } }), 422);
      expect(p.errors?.[0]).toMatchObject({ pointer: '/data/name', message: 'ACME does not trade with Forbidden Corp' });
      await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Allowed Corp', status: 'active' } } }), 201);
    });

    it('an exception in beforeChange or afterChange rolls the write back and answers a problem without its text', async () => {
      const logs = await countType(server, 'acme_visits.visit_log');
      for (const subject of ['explode-before', 'explode-after']) {
        const res = await createVisit(server.api, { subject });
        const text = await res.text();
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        const p = JSON.parse(text) as Problem;
        expect(p.code).toBe('plugin.hook-failed');
        expect(p.detail).toContain('acme_visits');
        expect(text).not.toContain('canary');
        expect(await countType(server, 'acme_visits.visit', subject)).toBe(0);
      }
      // The afterChange hook wrote a log entry before it threw: rolled back with the visit.
      expect(await countType(server, 'acme_visits.visit_log')).toBe(logs);
      expect(server.logs.some((l) => l.includes('[plugin:acme_visits]') && l.includes('afterChange hook on acme_visits.visit failed'))).toBe(true);
    });
  });

  describe('routes under /api/plugins/acme_visits', () => {
    it('run with the caller\'s visibility and appear in the OpenAPI document with their schemas', async () => {
      const openapi = (await (await server.api('/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }>; parameters: { name: string; in: string }[] }>> };
      const bulk = openapi.paths['/api/plugins/acme_visits/visits/bulk']?.post;
      expect(bulk?.requestBody?.content['application/json']?.schema).toMatchObject({ required: ['visits'] });
      expect(bulk?.responses['201']?.content?.['application/json']?.schema).toMatchObject({ required: ['ids'] });
      expect(openapi.paths['/api/plugins/acme_visits/visits/{id}/minutes']?.patch?.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
      expect(openapi.paths['/api/plugins/acme_visits/summary']?.get?.parameters.map((p) => p.name)).toEqual(['account_id']);
    });

    it('are authenticated, scoped and role-checked like the rest of the API', async () => {
      expect((await server.anonymous('/api/plugins/acme_visits/summary')).status).toBe(401);
      const readOnly = server.as('rep', 'token', ['read']);
      expect((await readOnly.api('/api/plugins/acme_visits/summary')).status).toBe(200);
      expect((await readOnly.api('/api/plugins/acme_visits/visits/bulk', { method: 'POST', json: { visits: [{ subject: 'x' }] } })).status).toBe(403);
      expect((await server.as('rep').api('/api/plugins/acme_visits/settings')).status).toBe(403);
      const settings = await expectJson<{ config: Record<string, unknown>; plugin: string; now: string }>(server.as('manager').api('/api/plugins/acme_visits/settings'), 200);
      expect(settings).toMatchObject({ plugin: 'acme_visits', config: { max_minutes: 90, label_prefix: 'Visit' } });
      expect(Number.isNaN(Date.parse(settings.now))).toBe(false);
      expect((await server.api('/api/plugins/acme_visits/nothing')).status).toBe(404);
    });

    it('check the body and the query against their schemas', async () => {
      const bad = await expectJson<Problem>(server.api('/api/plugins/acme_visits/visits/bulk', { method: 'POST', json: { visits: [{ subject: 3 }] } }), 422);
      expect(bad.errors?.[0]?.pointer).toBe('/visits/0/subject');
      const unknown = await expectJson<Problem>(server.api('/api/plugins/acme_visits/summary?colour=red'), 400);
      expect(unknown.errors?.[0]).toMatchObject({ parameter: 'colour' });
      const notUuid = await expectJson<Problem>(server.api('/api/plugins/acme_visits/summary?account_id=nope'), 400);
      expect(notUuid.errors?.[0]).toMatchObject({ parameter: 'account_id' });
    });

    it('write in one transaction: all or nothing', async () => {
      const before = await countType(server, 'acme_visits.visit');
      const ok = await expectJson<{ ids: string[] }>(server.api('/api/plugins/acme_visits/visits/bulk', { method: 'POST', json: { visits: [{ subject: 'Bulk A', minutes: 10 }, { subject: 'Bulk B' }] } }), 201);
      expect(ok.ids).toHaveLength(2);
      expect(await countType(server, 'acme_visits.visit')).toBe(before + 2);
      const refused = await expectJson<Problem>(server.api('/api/plugins/acme_visits/visits/bulk', { method: 'POST', json: { visits: [{ subject: 'Bulk C' }, { subject: 'Bulk D', minutes: 999 }] } }), 422);
      expect(refused.errors?.[0]?.pointer).toBe('/data/minutes');
      expect(await countType(server, 'acme_visits.visit', 'Bulk C')).toBe(0);
      const added = await expectJson<{ minutes: number; version: number }>(server.api(`/api/plugins/acme_visits/visits/${ok.ids[0]}/minutes`, { method: 'PATCH', json: { add: 5 } }), 200);
      expect(added).toEqual({ minutes: 15, version: 2 });
      expect(server.logs.some((l) => l.startsWith('[plugin:acme_visits] info bulk visits {"count":2}'))).toBe(true);
    });

    it('answer a problem that reveals nothing when the handler throws or breaks its response schema', async () => {
      for (const [method, path] of [['GET', '/broken'], ['POST', '/throws']] as const) {
        const res = await server.api(`/api/plugins/acme_visits${path}`, { method, ...(method === 'POST' ? { json: {} } : {}) });
        const text = await res.text();
        expect(res.status).toBe(500);
        expect((JSON.parse(text) as Problem).code).toBe('plugin.route-failed');
        expect(text).not.toContain('canary');
      }
      expect(await countType(server, 'acme_visits.visit', 'half-done')).toBe(0);
    });
  });

  describe('visibility rules', () => {
    it('hide confidential visits from reps in reads, lists, search, counts, routes and metrics; managers see them', async () => {
      const rep = server.as('colleague');
      const manager = server.as('manager');
      const open = await expectJson<View>(createVisit(rep.api, { subject: 'Zeta open', minutes: 20 }), 201);
      const secret = await expectJson<View>(createVisit(rep.api, { subject: 'Zeta secret', minutes: 40, confidential: true }), 201);
      expect(secret.data.confidential).toBe(true);
      expect((await rep.api(`/api/records/acme_visits.visit/${secret.id}`)).status).toBe(404);
      await expectJson<View>(rep.api(`/api/records/acme_visits.visit/${open.id}`), 200);
      const list = await expectJson<{ items: View[]; total: number }>(rep.api('/api/records/acme_visits.visit?q=Zeta&total=true'), 200);
      expect(list.items.map((v) => v.data.subject)).toEqual(['Zeta open']);
      expect(list.total).toBe(1);
      const managed = await expectJson<{ items: View[]; total: number }>(manager.api('/api/records/acme_visits.visit?q=Zeta&total=true'), 200);
      expect(managed.items.map((v) => v.data.subject).sort()).toEqual(['Zeta open', 'Zeta secret']);
      expect(managed.total).toBe(2);
      await expectJson<View>(manager.api(`/api/records/acme_visits.visit/${secret.id}`), 200);
      // The colleague owns no other visits: the route and the metric layer agree with the list.
      expect(await expectJson(rep.api('/api/plugins/acme_visits/summary'), 200)).toEqual({ visits: 1, minutes: 20 });
      expect(await expectJson(rep.api('/api/plugins/acme_visits/minutes'), 200)).toEqual({ minutes: 20 });
      const q = await expectJson<{ rows: Record<string, number>[] }>(rep.api('/api/metrics/query', { method: 'POST', json: { metrics: ['acme_visits.visit_minutes'] } }), 200);
      expect(q.rows[0]?.['acme_visits.visit_minutes']).toBe(20);
    });
  });

  describe('jobs, schedules and actions', () => {
    it('a job enqueued in a hook runs after the commit, as the plugin', async () => {
      await server.platform.processes.startWorkers(1);
      const v = await expectJson<View>(createVisit(server.api, { subject: 'Tally me' }), 201);
      await eventually(async () => (await logsOf(server, v.id, 'tally')) === 1);
      const row = await server.platform.database.db.selectFrom('records').select('created_by').where('type', '=', 'acme_visits.visit_log').where(({ eb, ref }) => eb(ref('data', '->>').key('visit_id' as never), '=', v.id)).where(({ eb, ref }) => eb(ref('data', '->>').key('operation' as never), '=', 'tally')).executeTakeFirstOrThrow();
      expect(row.created_by).toBe('system:plugin:acme_visits');
      await server.platform.processes.stopWorkers();
    });

    it('declared schedules are set in pg-boss and stale plugin schedules are removed', async () => {
      const boss = server.platform.processes.queue.boss;
      await boss.createQueue('pwp_gone__old');
      await boss.schedule('pwp_gone__old', '0 0 * * *', {});
      await syncPluginQueues(server.platform.processes.queue, server.platform.registry);
      const schedules = await boss.getSchedules();
      expect(schedules.find((s) => s.name === 'pwp_acme_visits__tally')).toMatchObject({ cron: '*/5 * * * *', data: { data: { source: 'schedule' } } });
      expect(schedules.some((s) => s.name === 'pwp_gone__old')).toBe(false);
      expect(schedules.some((s) => s.name === 'pw_maintenance')).toBe(true);
    });

    it('an action handler gets the services and creates its record once per execution, through the hooks', async () => {
      const p = server.platform;
      const env = { db: p.database.db, registry: p.registry, store: p.store, env: {}, now: p.store.now, webhookTimeoutMs: 1000, plugins: p.plugins };
      const job = { actor: 'user:adam-admin' } as Parameters<typeof runPluginAction>[1];
      const first = (await runPluginAction(env, job, { key: 'test:log-visit:1', type: 'acme_visits.log_visit', config: { subject: 'From an action' } }, undefined)) as { id: string; created: boolean; summary: string; by: string };
      expect(first).toMatchObject({ created: true, summary: 'Visit: From an action', by: 'system:process' });
      const again = (await runPluginAction(env, job, { key: 'test:log-visit:1', type: 'acme_visits.log_visit', config: { subject: 'From an action' } }, undefined)) as { id: string; created: boolean };
      expect(again).toMatchObject({ id: first.id, created: false });
      expect(await countType(server, 'acme_visits.visit', 'From an action')).toBe(1);
    });

    it('crm.create_activity (alias core.create_activity) resolves the assignee and creates one activity per execution', async () => {
      const p = server.platform;
      const rep = server.as('rep');
      const account = await expectJson<View>(rep.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Activity Corp', status: 'active' } } }), 201);
      const row = await p.database.db.selectFrom('records').selectAll().where('id', '=', account.id).executeTakeFirstOrThrow();
      const env = { db: p.database.db, registry: p.registry, store: p.store, env: {}, now: p.store.now, webhookTimeoutMs: 1000, plugins: p.plugins };
      const job = { actor: 'user:rick-rep' } as Parameters<typeof runPluginAction>[1];
      const config = { kind: 'call', subject: 'Call {{name}}', dueInDays: 2, assignTo: { role: 'manager' } };
      const made = (await runPluginAction(env, job, { key: 'test:activity:1', type: 'crm.create_activity', config }, row)) as { activity: string };
      const activity = await expectJson<View & { owner: string }>(server.api(`/api/records/crm.activity/${made.activity}`), 200);
      expect(activity.owner).toBe('mia-manager');
      expect(activity.data).toMatchObject({ kind: 'call', subject: 'Call Activity Corp', done: false, due_date: new Date(p.store.now().getTime() + 2 * 86_400_000).toISOString().slice(0, 10) });
      expect(activity.data.deal_id).toBeUndefined();
      const again = (await runPluginAction(env, job, { key: 'test:activity:1', type: 'core.create_activity', config }, row)) as { activity: string };
      expect(again.activity).toBe(made.activity);
      expect(p.registry.actionType('core.create_activity')).toBe(p.registry.actionType('crm.create_activity'));
    });

    it('operators of the plugin reach the rule engine', async () => {
      const ops = await expectJson<{ items: { name: string }[] }>(server.api('/api/rules/operators'), 200);
      expect(ops.items.map((o) => o.name)).toContain('visit_hours');
      const explained = await expectJson<{ value: unknown }>(server.api('/api/rules/explain', { method: 'POST', json: { rule: { visit_hours: [{ var: 'minutes' }] }, entity: 'acme_visits.visit', data: { subject: 'x', minutes: 90 } } }), 200);
      expect(explained.value).toBe(1.5);
    });
  });
});

describe('plugin configuration', () => {
  it('a value its schema refuses stops the start, naming the variable', async () => {
    const err = await startServer({ name: 'pglite' }, { PIPEWRIGHT_PLUGINS: VISITS, PIPEWRIGHT_PLUGIN_ACME_VISITS_MAX_MINUTES: 'lots' }).then(
      () => null,
      (e: unknown) => e as Error & { plugin?: string; code?: string },
    );
    expect(err?.code).toBe('plugin.invalid-config');
    expect(err?.plugin).toBe('acme_visits');
    expect(err?.message).toContain('PIPEWRIGHT_PLUGIN_ACME_VISITS_MAX_MINUTES');
  });
});

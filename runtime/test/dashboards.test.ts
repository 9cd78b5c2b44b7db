import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayIn } from '@pipewright/core';
import type { DashboardSummary, DashboardView } from '@pipewright/core/api';
import { backends, startServer, type TestServer } from './harness';
import { expectJson, type Problem } from './process/helpers';

/** A metric the loaded plugins declare (the dashboards API checks metric ids against them). */
const METRIC = 'pipeline.won_value';
const t = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const number = (id: string, x: number, metric = METRIC) => ({ id, title: t('Won value', '赢单金额'), kind: 'number', layout: { x, y: 0, w: 3, h: 2 }, query: { metrics: [metric] } });
const dashboard = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: t('Sales', '销售'),
  range: { preset: 'this-quarter' },
  widgets: [number('won', 0), { id: 'by-stage', title: t('By stage', '按阶段'), kind: 'bar', layout: { x: 3, y: 0, w: 9, h: 4 }, query: { metrics: [METRIC], groupBy: ['stage'] } }],
  ...extra,
});

describe.each(backends())('dashboards API on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_TIME_ZONE: 'Asia/Shanghai' });
  });
  afterAll(() => server?.close());

  it('lets an admin create, read, list, replace (If-Match) and delete a dashboard, auditing each change', async () => {
    const admin = server.as('admin').api;
    const res = await admin('/api/dashboards', { method: 'POST', json: { $schema: '../dashboard.schema.json', ...dashboard('team_sales') } });
    expect(res.headers.get('location')).toBe('/api/dashboards/team_sales');
    expect(res.headers.get('etag')).toBe('"1"');
    const created = await expectJson<DashboardView>(res, 201);
    expect(created).toMatchObject({ id: 'team_sales', source: 'api', revision: 1, widgets: 2, updatedBy: `user:${server.as('admin').userId}`, timeZone: 'Asia/Shanghai' });
    expect(created.dashboard).toEqual(dashboard('team_sales'));
    expect([todayIn('Asia/Shanghai'), todayIn('Asia/Shanghai', new Date(Date.now() - 60_000))]).toContain(created.today);

    const list = await expectJson<{ items: DashboardSummary[] }>(server.as('rep').api('/api/dashboards'), 200);
    expect(list.items.find((d) => d.id === 'team_sales')).toMatchObject({ title: t('Sales', '销售'), revision: 1, widgets: 2 });
    const read = await expectJson<DashboardView>(server.as('rep').api('/api/dashboards/team_sales'), 200);
    expect(read.dashboard.widgets.map((w) => w.id)).toEqual(['won', 'by-stage']);

    const changed = dashboard('team_sales', { title: t('Team sales', '团队销售') });
    expect((await expectJson<Problem>(admin('/api/dashboards/team_sales', { method: 'PUT', json: changed }), 428)).code).toBe('precondition-required');
    const saved = await expectJson<DashboardView>(admin('/api/dashboards/team_sales', { method: 'PUT', json: changed, headers: { 'if-match': '"1"' } }), 200);
    expect([saved.revision, saved.title.en]).toEqual([2, 'Team sales']);
    const stale = await expectJson<Problem>(admin('/api/dashboards/team_sales', { method: 'PUT', json: changed, headers: { 'if-match': '"1"' } }), 412);
    expect([stale.code, stale.currentRevision]).toEqual(['dashboard.stale-revision', 2]);
    const renamed = await expectJson<Problem>(admin('/api/dashboards/team_sales', { method: 'PUT', json: dashboard('other'), headers: { 'if-match': '"2"' } }), 422);
    expect(renamed.errors?.[0]?.pointer).toBe('/id');

    expect((await admin('/api/dashboards/team_sales', { method: 'DELETE', headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await admin('/api/dashboards/team_sales', { method: 'DELETE', headers: { 'if-match': '"2"' } })).status).toBe(204);
    expect((await expectJson<Problem>(admin('/api/dashboards/team_sales'), 404)).code).toBe('not-found');
    expect((await admin('/api/dashboards/team_sales', { method: 'DELETE' })).status).toBe(404);
    // a deleted id can be used again
    expect((await expectJson<DashboardView>(admin('/api/dashboards', { method: 'POST', json: dashboard('team_sales') }), 201)).revision).toBe(4);

    const events = await server.platform.database.db.selectFrom('events').select(['action', 'actor']).where('subject', '=', 'dashboard:team_sales').orderBy('id').execute();
    expect(events.map((e) => e.action)).toEqual(['dashboard.create', 'dashboard.update', 'dashboard.delete', 'dashboard.create']);
  });

  it('refuses an invalid dashboard with 422 naming every member by JSON pointer, and writes nothing', async () => {
    const admin = server.as('admin').api;
    const before = await expectJson<{ items: DashboardSummary[] }>(admin('/api/dashboards'), 200);
    const bad = dashboard('broken', { title: { en: 'Only English' } });
    const widgets = bad.widgets as Record<string, unknown>[];
    widgets[0] = number('won', 0, 'pipeline.no_such_metric');
    widgets[1] = { ...widgets[1], query: { metrics: [METRIC], groupBy: ['stage'], where: { '>': [{ var: 'budget' }, 5] } } };
    widgets.push({ ...number('won', 2), layout: { x: 11, y: 1, w: 3, h: 1 } });
    const schemaProblem = await expectJson<Problem>(admin('/api/dashboards', { method: 'POST', json: bad }), 422);
    expect(schemaProblem.code).toBe('dashboard.invalid');
    expect(schemaProblem.errors?.map((e) => e.pointer)).toContain('/title/zh-CN');

    const semantic = await expectJson<Problem>(admin('/api/dashboards', { method: 'POST', json: { ...bad, title: t('Broken', '坏的') } }), 422);
    const pointers = semantic.errors?.map((e) => `${e.pointer} ${e.code}`) ?? [];
    expect(pointers).toEqual(expect.arrayContaining(['/widgets/0/query/metrics/0 unknown-metric', '/widgets/2/id duplicate', '/widgets/2/layout/w layout', '/widgets/2/layout layout-overlap']));
    expect(semantic.errors?.some((e) => e.pointer.startsWith('/widgets/1/query/where') && e.message.includes('budget'))).toBe(true);

    expect((await expectJson<Problem>(admin('/api/dashboards', { method: 'POST', json: [dashboard('x')] }), 422)).code).toBe('body.not-object');
    expect((await admin('/api/dashboards', { method: 'POST', body: '{"id":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await admin('/api/dashboards', { method: 'POST', body: 'id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    await expectJson(admin('/api/dashboards', { method: 'POST', json: dashboard('dup') }), 201);
    expect((await expectJson<Problem>(admin('/api/dashboards', { method: 'POST', json: dashboard('dup') }), 409)).errors?.[0]?.pointer).toBe('/id');
    const after = await expectJson<{ items: DashboardSummary[] }>(admin('/api/dashboards'), 200);
    expect(after.items.map((d) => d.id).sort()).toEqual([...before.items.map((d) => d.id), 'dup'].sort());
  });

  it('lets only admins change dashboards: reps and managers read them and get 403 on every write', async () => {
    await expectJson(server.as('admin').api('/api/dashboards', { method: 'POST', json: dashboard('guarded') }), 201);
    for (const user of ['rep', 'manager', 'marketing'] as const) {
      const api = server.as(user).api;
      expect((await api('/api/dashboards/guarded')).status).toBe(200);
      expect((await expectJson<Problem>(api('/api/dashboards', { method: 'POST', json: dashboard(`by_${user}`) }), 403)).status).toBe(403);
      expect((await api('/api/dashboards/guarded', { method: 'PUT', json: dashboard('guarded'), headers: { 'if-match': '"1"' } })).status).toBe(403);
      expect((await api('/api/dashboards/guarded', { method: 'DELETE' })).status).toBe(403);
    }
    // an admin's token without the admin scope may not either
    const readOnly = server.as('admin', 'token', ['read', 'write']).api;
    expect((await readOnly('/api/dashboards/guarded', { method: 'DELETE' })).status).toBe(403);
    expect((await server.anonymous('/api/dashboards')).status).toBe(401);
    const still = await expectJson<DashboardView>(server.api('/api/dashboards/guarded'), 200);
    expect(still.revision).toBe(1);
  });

  it("answers each user's home dashboard: the pipeline plugin's per role, then by position", async () => {
    const home = async (user: 'admin' | 'manager' | 'rep' | 'presales' | 'marketing') => {
      const res = await server.as(user).api('/api/dashboards/home');
      return res.status === 200 ? ((await res.json()) as DashboardView).id : res.status;
    };
    expect([await home('admin'), await home('manager'), await home('rep'), await home('presales'), await home('marketing')]).toEqual(['pipeline.company_home', 'pipeline.manager_home', 'pipeline.rep_home', 404, 404]);
    await expectJson(server.as('admin').api('/api/dashboards', { method: 'POST', json: dashboard('home_field', { title: t('Field', '外勤'), homeFor: ['rep', 'presales'] }) }), 201);
    expect([await home('rep'), await home('presales')]).toEqual(['pipeline.rep_home', 'home_field']);
    const shipped = await expectJson<DashboardView>(server.api('/api/dashboards/pipeline.rep_home'), 200);
    expect([shipped.source, shipped.dashboard.homeFor, shipped.dashboard.title['zh-CN']]).toEqual(['plugin:pipeline', ['rep'], '我的业绩']);
  });

  it('keeps a deleted plugin dashboard deleted when plugins are synced again', async () => {
    const admin = server.as('admin').api;
    const before = await expectJson<DashboardView>(admin('/api/dashboards/pipeline.manager_home'), 200);
    expect((await admin('/api/dashboards/pipeline.manager_home', { method: 'DELETE', headers: { 'if-match': `"${before.revision}"` } })).status).toBe(204);
    await server.platform.dashboards.syncPluginDashboards();
    expect((await admin('/api/dashboards/pipeline.manager_home')).status).toBe(404);
    expect((await server.as('manager').api('/api/dashboards/home')).status).toBe(404);
  });

  it('checks group-bys and grains against what each metric allows', async () => {
    const metrics = await expectJson<{ items: { id: string; grains: string[] }[] }>(server.api('/api/metrics'), 200);
    const untimed = metrics.items.find((m) => m.grains.length === 0)?.id;
    expect(untimed, 'a metric without time field').toBeDefined();
    const bad = dashboard('dims', {
      widgets: [
        { id: 'a', title: t('A', '甲'), kind: 'bar', layout: { x: 0, y: 0, w: 6, h: 3 }, query: { metrics: [METRIC], groupBy: ['planet'] } },
        { id: 'b', title: t('B', '乙'), kind: 'line', layout: { x: 6, y: 0, w: 6, h: 3 }, query: { metrics: [untimed], grain: 'month' } },
      ],
    });
    const p = await expectJson<Problem>(server.as('admin').api('/api/dashboards', { method: 'POST', json: bad }), 422);
    expect(p.errors?.map((e) => `${e.pointer} ${e.code}`)).toEqual(expect.arrayContaining(['/widgets/0/query/groupBy/0 unknown-dimension', '/widgets/1/query/grain unknown-grain']));
  });

  it('documents the API in OpenAPI', async () => {
    const doc = await expectJson<{ paths: Record<string, Record<string, unknown>> }>(server.api('/openapi.json'), 200);
    expect(Object.keys(doc.paths['/api/dashboards'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/dashboards/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/api/dashboards/home']).toHaveProperty('get');
  });
});

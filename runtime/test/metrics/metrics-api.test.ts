import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type ApiFetch, type TestServer } from '../harness';
import { ensurePublishedFor, move } from '../process/helpers';

type Row = Record<string, string | number | null>;
const NOW = new Date('2026-06-15T12:00:00Z');

describe.each(backends())('metric API on $name', (backend) => {
  let server: TestServer;
  let shanghai: TestServer;
  const post = (api: ApiFetch, path: string, json: unknown) => api(path, { method: 'POST', json });
  const rows = async (api: ApiFetch, json: unknown) => {
    const res = await post(api, '/api/metrics/query', json);
    const body = (await res.json()) as { rows: Row[] };
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body.rows;
  };
  const activity = (s: TestServer, user: 'rep' | 'colleague' | 'other-rep', kind: string, occurredAt: string, done = true) =>
    post(s.as(user, 'token').api, '/api/records/crm.activity', { data: { kind, subject: `${kind} ${occurredAt}`, occurred_at: occurredAt, done } }).then((r) => expect(r.status).toBe(201));

  beforeAll(async () => {
    server = await startServer(backend, {}, { now: () => NOW });
    shanghai = await startServer(backend, { PIPEWRIGHT_TIME_ZONE: 'Asia/Shanghai' });
    for (const s of [server, shanghai]) {
      await activity(s, 'rep', 'call', '2026-03-31T20:00:00Z');
      await activity(s, 'rep', 'call', '2026-04-02T09:00:00Z');
      await activity(s, 'rep', 'visit', '2026-04-03T09:00:00Z');
      await activity(s, 'rep', 'visit', '2026-04-03T10:00:00Z', false);
      await activity(s, 'colleague', 'meeting', '2026-05-01T09:00:00Z');
      await activity(s, 'other-rep', 'call', '2026-05-02T09:00:00Z');
    }
    // Handoffs move through their kind's process: made pending, then accepted (by the admin) with the time it happened.
    await ensurePublishedFor(server, 'handoff.handoff');
    const hand = async (hours: number | null, status: string, to?: string) => {
      const res = await post(server.api, '/api/records/handoff.handoff', { data: { kind: 'marketing_to_sales', summary: 'lead', ...(to ? { to_user: to } : {}) } });
      expect(res.status).toBe(201);
      const h = (await res.json()) as { id: string; version: number };
      if (status !== 'accepted' || hours === null) return;
      const moved = await move(server.api, h.id, h.version, { to: 'accepted', data: { accepted_at: new Date(NOW.getTime() + hours * 3_600_000).toISOString() } }, {}, 'handoff.handoff');
      expect(moved.status, await moved.clone().text()).toBe(200);
    };
    await hand(2, 'accepted');
    await hand(6, 'accepted', 'rick-rep');
    await hand(6, 'accepted');
    await hand(30, 'accepted');
    await hand(null, 'pending');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await shanghai?.close();
  });

  it('lists every metric with labels in both languages, unit, grains and dimensions', async () => {
    const res = await server.api('/api/metrics');
    const body = (await res.json()) as { items: { id: string; label: Record<string, string>; unit: string; grains: string[]; dimensions: { name: string; idColumn: string | null }[] }[]; timeZone: string };
    expect(body.timeZone).toBe('UTC');
    const ids = body.items.map((m) => m.id);
    for (const id of ['pipeline.deal_count', 'pipeline.open_pipeline_value', 'pipeline.weighted_pipeline_value', 'pipeline.won_value', 'pipeline.won_count', 'pipeline.lost_count', 'pipeline.win_rate', 'pipeline.avg_deal_size', 'pipeline.sales_cycle_days', 'crm.activities', 'crm.calls', 'crm.visits', 'handoff.acceptance_hours']) expect(ids).toContain(id);
    for (const m of body.items) expect(m.label.en && m.label['zh-CN']).toBeTruthy();
    const won = body.items.find((m) => m.id === 'pipeline.won_value');
    expect(won?.unit).toBe('money');
    expect(won?.grains).toEqual(['day', 'week', 'month', 'quarter', 'year']);
    expect(won?.dimensions.map((d) => d.name)).toEqual(expect.arrayContaining(['company', 'office', 'team', 'owner', 'stage', 'process', 'product', 'account', 'source']));
    expect(won?.dimensions.find((d) => d.name === 'product')?.idColumn).toBe('product_id');
    expect(body.items.find((m) => m.id === 'pipeline.open_pipeline_value')?.grains).toEqual([]);
  });

  it('counts activities by kind and month, done ones only, over the org tree', async () => {
    const all = await rows(server.api, { metrics: ['crm.activities'], groupBy: ['kind'], grain: 'month' });
    expect(all).toEqual([
      { kind: 'call', month: '2026-03', 'crm.activities': 1 },
      { kind: 'call', month: '2026-04', 'crm.activities': 1 },
      { kind: 'call', month: '2026-05', 'crm.activities': 1 },
      { kind: 'meeting', month: '2026-05', 'crm.activities': 1 },
      { kind: 'visit', month: '2026-04', 'crm.activities': 1 },
    ]);
    const byOffice = await rows(server.api, { metrics: ['crm.calls', 'crm.visits'], groupBy: ['company', 'office'] });
    expect(byOffice).toEqual([
      { company: 'Test Co.', company_id: 't-company', office: 'North', office_id: 't-north', 'crm.calls': 2, 'crm.visits': 1 },
      { company: 'Test Co.', company_id: 't-company', office: 'South', office_id: 't-south', 'crm.calls': 1, 'crm.visits': 0 },
    ]);
  });

  it('cuts periods in the configured time zone', async () => {
    const utc = await rows(server.api, { metrics: ['crm.calls'], grain: 'quarter', from: '2026-01-01', to: '2026-06-30' });
    expect(utc).toEqual([{ quarter: '2026-Q1', 'crm.calls': 1 }, { quarter: '2026-Q2', 'crm.calls': 2 }]);
    const cn = await rows(shanghai.api, { metrics: ['crm.calls'], grain: 'quarter' });
    expect(cn).toEqual([{ quarter: '2026-Q2', 'crm.calls': 3 }]);
    const day = await rows(shanghai.api, { metrics: ['crm.calls'], grain: 'day', from: '2026-04-01', to: '2026-04-01' });
    expect(day).toEqual([{ day: '2026-04-01', 'crm.calls': 1 }]);
  });

  it("answers a rep with his records, a manager with his unit's subtree", async () => {
    expect(await rows(server.as('rep', 'token').api, { metrics: ['crm.activities'] })).toEqual([{ 'crm.activities': 3 }]);
    expect(await rows(server.as('manager', 'token').api, { metrics: ['crm.activities'], groupBy: ['owner'] })).toEqual([
      { owner: 'colleague', owner_id: 'cora-colleague', 'crm.activities': 1 },
      { owner: 'rep', owner_id: 'rick-rep', 'crm.activities': 3 },
    ]);
    expect(await rows(server.as('other-manager', 'token').api, { metrics: ['crm.activities'], groupBy: ['team'] })).toEqual([{ team: 'South A', team_id: 't-south-a', 'crm.activities': 1 }]);
  });

  it('computes metrics of several entities in one query, and handoff acceptance time in hours', async () => {
    const [all] = await rows(server.api, { metrics: ['handoff.acceptance_hours', 'handoff.handoffs_accepted', 'crm.activities'] });
    expect(all).toEqual({ 'handoff.acceptance_hours': 6, 'handoff.handoffs_accepted': 4, 'crm.activities': 5 });
    // The rep sees the handoff addressed to him (an audience field of handoffs), and his activities.
    expect(await rows(server.as('rep', 'token').api, { metrics: ['handoff.handoffs_accepted', 'crm.activities'] })).toEqual([{ 'handoff.handoffs_accepted': 1, 'crm.activities': 3 }]);
    const byOwner = await rows(server.api, { metrics: ['handoff.handoffs_accepted', 'crm.activities'], groupBy: ['owner'] });
    expect(byOwner).toEqual([
      { owner: 'Harness Admin', owner_id: 'harness-admin', 'handoff.handoffs_accepted': 4, 'crm.activities': 0 },
      { owner: 'colleague', owner_id: 'cora-colleague', 'handoff.handoffs_accepted': 0, 'crm.activities': 1 },
      { owner: 'other-rep', owner_id: 'otto-rep', 'handoff.handoffs_accepted': 0, 'crm.activities': 1 },
      { owner: 'rep', owner_id: 'rick-rep', 'handoff.handoffs_accepted': 0, 'crm.activities': 3 },
    ]);
  });

  it.each([
    [{ metrics: ['pipeline.nope'] }, '/metrics/0', 'unknown-metric'],
    [{ metrics: ['pipeline.won_value'], groupBy: ['office', 'colour'] }, '/groupBy/1', 'unknown-dimension'],
    [{ metrics: ['crm.activities'], groupBy: ['stage'] }, '/groupBy/0', 'unknown-dimension'],
    [{ metrics: ['pipeline.open_pipeline_value'], grain: 'month' }, '/grain', 'no-time-field'],
    [{ metrics: ['pipeline.won_value'], grain: 'fortnight' }, '/grain', 'enum'],
    [{ metrics: ['pipeline.won_value'], where: { and: [{ '==': [{ var: 'source' }, 'inbound'] }, { '>': [{ var: 'budget' }, 5] }] } }, '/where/and/1/>/0', undefined],
    [{ metrics: ['pipeline.won_value'], from: '2017-12-31', to: '2017-01-01' }, '/from', 'range'],
    [{ metrics: ['pipeline.won_value'], from: '2017-02-30' }, '/from', 'format'],
    [{ metrics: [] }, '/metrics', 'type'],
    [{ metrics: ['pipeline.won_value'], limit: 3 }, '/limit', 'unknown'],
  ])('refuses %j with 422 naming the member', async (body, pointer, code) => {
    const res = await post(server.api, '/api/metrics/query', body);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { errors: { pointer: string; code: string }[] };
    expect(problem.errors.map((e) => e.pointer)).toContain(pointer);
    if (code) expect(problem.errors.find((e) => e.pointer === pointer)?.code).toBe(code);
  });

  it('refuses bad drill-downs with 422 and needs a session or token', async () => {
    const res = await post(server.api, '/api/metrics/records', { metric: 'crm.calls', cell: { office: 'North', month: '2026-04' }, limit: 0 });
    expect(res.status).toBe(422);
    const pointers = ((await res.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/cell/office', '/limit']));
    expect((await post(server.anonymous, '/api/metrics/query', { metrics: ['crm.calls'] })).status).toBe(401);
  });

  it('refuses bad funnel queries: unknown process 404, unknown dimension and grain 422', async () => {
    expect((await post(server.api, '/api/metrics/funnel', { process: 'nothing_here' })).status).toBe(404);
    const bad = await post(server.api, '/api/metrics/funnel', { process: 'new_business', groupBy: ['colour'], grain: 'decade', from: '2020-02-01', to: '2020-01-01' });
    expect(bad.status).toBe(422);
    const pointers = ((await bad.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/groupBy/0', '/grain', '/from']));
  });

  it('drills down to exactly the records a figure counts, within visibility', async () => {
    const res = await post(server.as('manager', 'token').api, '/api/metrics/records', { metric: 'crm.activities', cell: { owner_id: 'rick-rep', kind: 'call' } });
    const page = (await res.json()) as { items: { owner: string; data: { kind: string } }[]; nextCursor: string | null };
    expect(res.status).toBe(200);
    expect(page.items.map((r) => [r.owner, r.data.kind])).toEqual([['rick-rep', 'call'], ['rick-rep', 'call']]);
    const hidden = await post(server.as('manager', 'token').api, '/api/metrics/records', { metric: 'crm.activities', cell: { owner_id: 'otto-rep' } });
    expect(((await hidden.json()) as { items: unknown[] }).items).toEqual([]);
  });
});

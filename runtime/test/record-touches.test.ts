import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from './harness';
import { expectJson, type Problem, type View } from './process/helpers';

interface Touch { record: string; at: string; by: { type: string; id: string } }

/**
 * `GET /api/records/{type}/touches`: the last touch of a page of records, from the records of
 * entities declaring a `touch` (the crm's activities: `occurred_at`, counted when `done`), as the
 * reader sees them.
 */
describe.each(backends())('last touch of records on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let admin: Client;
  let touched: View;
  let untouched: View;
  let account: View;
  let latestSeenByRep: View;
  let latestOfAll: View;

  const activity = async (as: Client, data: Record<string, unknown>, owner?: string) => expectJson<View>(as.api('/api/records/crm.activity', { method: 'POST', json: { data: { kind: 'call', subject: 'Call', ...data }, ...(owner ? { owner } : {}) } }), 201);

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    rep = server.as('rep');
    admin = server.as('admin');
    account = await expectJson<View>(rep.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Touch Co', status: 'active' } } }), 201);
    touched = await expectJson<View>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Touched deal' } } }), 201);
    untouched = await expectJson<View>(rep.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Untouched deal' } } }), 201);
    await activity(rep, { deal_id: touched.id, done: true, occurred_at: '2026-10-01T09:00:00Z' });
    latestSeenByRep = await activity(rep, { deal_id: touched.id, account_id: account.id, done: true, occurred_at: '2026-11-01T09:30:00Z' });
    // not done (a planned task): not a touch
    await activity(rep, { kind: 'task', deal_id: touched.id, done: false, occurred_at: '2026-12-01T09:00:00Z' });
    // deleted: not a touch
    const gone = await activity(rep, { deal_id: touched.id, done: true, occurred_at: '2026-12-02T09:00:00Z' });
    expect((await rep.api(`/api/records/crm.activity/${gone.id}`, { method: 'DELETE', headers: { 'if-match': `"${gone.version}"` } })).status).toBe(204);
    // a later touch by a rep of another team: only readers who see it count it
    latestOfAll = await activity(admin, { deal_id: touched.id, done: true, occurred_at: '2026-11-20T15:00:00Z' }, 'otto-rep');
  }, 120_000);
  afterAll(() => server?.close());

  const touches = async (as: Client, type: string, ids: string[]) => (await expectJson<{ items: Touch[] }>(as.api(`/api/records/${type}/touches?ids=${ids.join(',')}`), 200)).items;

  it('answers the latest done touch each reader sees, leaving untouched records out', async () => {
    expect(await touches(rep, 'pipeline.deal', [touched.id, untouched.id])).toEqual([{ record: touched.id, at: '2026-11-01T09:30:00.000Z', by: { type: 'crm.activity', id: latestSeenByRep.id } }]);
    expect(await touches(admin, 'pipeline.deal', [untouched.id, touched.id])).toEqual([{ record: touched.id, at: '2026-11-20T15:00:00.000Z', by: { type: 'crm.activity', id: latestOfAll.id } }]);
  });

  it('follows every reference field of the touching entity (an activity touches its account too)', async () => {
    expect((await touches(rep, 'crm.account', [account.id])).map((t) => t.at)).toEqual(['2026-11-01T09:30:00.000Z']);
  });

  it('tells nothing about records the reader does not see', async () => {
    expect(await touches(server.as('other-rep'), 'pipeline.deal', [touched.id])).toEqual([]);
  });

  it('refuses malformed ids and too many, naming the parameter, and unknown entities', async () => {
    const bad = await expectJson<Problem>(rep.api('/api/records/pipeline.deal/touches?ids=not-an-id'), 400);
    expect(bad.errors?.[0]).toMatchObject({ parameter: 'ids' });
    const many = Array.from({ length: 201 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`).join(",");
    expect((await rep.api(`/api/records/pipeline.deal/touches?ids=${many}`)).status).toBe(400);
    expect((await rep.api('/api/records/acme.nothing/touches?ids=')).status).toBe(404);
    expect(await touches(rep, 'pipeline.deal', [])).toEqual([]);
  });

  it('is documented, naming what touches each entity', async () => {
    const doc = (await (await server.api('/openapi.json')).json()) as { paths: Record<string, { get?: { summary?: string } }> };
    expect(doc.paths['/api/records/pipeline.deal/touches']?.get?.summary).toBe('Last touch of deals (by crm.activity)');
    expect(doc.paths['/api/records/crm.activity/touches']?.get?.summary).toContain('always empty');
  });
});

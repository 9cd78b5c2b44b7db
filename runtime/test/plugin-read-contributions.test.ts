import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type ApiFetch, type TestServer } from './harness';
import { expectJson } from './process/helpers';

const GOALS = fileURLToPath(new URL('./fixtures/widen-plugin', import.meta.url));
const TYPE = 'acme_goals.goal';

interface View {
  id: string;
  version: number;
  owner: string | null;
  data: Record<string, unknown>;
  computed?: Record<string, unknown>;
}

const create = (api: ApiFetch, data: Record<string, unknown>) => expectJson<View>(api(`/api/records/${TYPE}`, { method: 'POST', json: { data } }), 201);
const titles = (items: View[]) => items.map((v) => String(v.data.title)).sort();

/**
 * The generic read contributions of plugins (ADR 021): `visibility.widen` makes records readable
 * by every signed-in user (reads, lists, search, counts, metrics; never edits), `narrow` still
 * applies on top, and `computed` adds values to the records API's reads, once per page.
 */
describe.each(backends())('plugin read contributions on $name', (backend) => {
  let server: TestServer;
  let shared: View;
  let secret: View;
  let archived: View;
  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_PLUGINS: GOALS });
    const rep = server.as('rep');
    shared = await create(rep.api, { title: 'Widen shared', points: 3 });
    secret = await create(rep.api, { title: 'Widen secret', private: true, points: 5 });
    archived = await create(rep.api, { title: 'Widen archived', archived: true });
  });
  afterAll(() => server?.close());

  it('a widened record is readable by a rep of another office, in reads, lists, search, counts and metrics', async () => {
    const other = server.as('other-rep');
    const read = await expectJson<View>(other.api(`/api/records/${TYPE}/${shared.id}`), 200);
    expect(read.data.title).toBe('Widen shared');
    const list = await expectJson<{ items: View[]; total: number }>(other.api(`/api/records/${TYPE}?q=Widen&total=true`), 200);
    expect(titles(list.items)).toEqual(['Widen shared']);
    expect(list.total).toBe(1);
    const metric = await expectJson<{ rows: Record<string, number>[] }>(other.api('/api/metrics/query', { method: 'POST', json: { metrics: ['acme_goals.goal_count'] } }), 200);
    expect(metric.rows[0]?.['acme_goals.goal_count']).toBe(1);
  });

  it('records the widening does not admit stay hidden (404), and the narrowing still applies to the owner', async () => {
    const other = server.as('other-rep');
    expect((await other.api(`/api/records/${TYPE}/${secret.id}`)).status).toBe(404);
    const rep = server.as('rep');
    // The owner sees his private goal, but not his archived one (narrowed for non-managers).
    await expectJson<View>(rep.api(`/api/records/${TYPE}/${secret.id}`), 200);
    expect((await rep.api(`/api/records/${TYPE}/${archived.id}`)).status).toBe(404);
    const manager = await expectJson<{ items: View[] }>(server.as('manager').api(`/api/records/${TYPE}?q=Widen`), 200);
    expect(titles(manager.items)).toEqual(['Widen archived', 'Widen secret', 'Widen shared']);
    const otherManager = await expectJson<{ items: View[] }>(server.as('other-manager').api(`/api/records/${TYPE}?q=Widen`), 200);
    // Another office's manager is not narrowed (a manager) and reads what the widening admits.
    expect(titles(otherManager.items)).toEqual(['Widen archived', 'Widen shared']);
  });

  it('widening gives reading, not editing: a PATCH or DELETE by the other rep is 403, the record unchanged', async () => {
    const other = server.as('other-rep');
    const res = await other.api(`/api/records/${TYPE}/${shared.id}`, { method: 'PATCH', headers: { 'if-match': `"${shared.version}"` }, json: { data: { title: 'Taken over' } } });
    expect(res.status).toBe(403);
    expect((await other.api(`/api/records/${TYPE}/${shared.id}`, { method: 'DELETE' })).status).toBe(403);
    const after = await expectJson<View>(server.api(`/api/records/${TYPE}/${shared.id}`), 200);
    expect(after.data.title).toBe('Widen shared');
    expect(after.version).toBe(shared.version);
  });

  it('anonymous callers get 401, not the widened records', async () => {
    expect((await server.anonymous(`/api/records/${TYPE}/${shared.id}`)).status).toBe(401);
    expect((await server.anonymous(`/api/records/${TYPE}`)).status).toBe(401);
  });

  it('computed values come with single reads and lists, computed as the plugin, once per page', async () => {
    const other = server.as('other-rep');
    const read = await expectJson<View>(other.api(`/api/records/${TYPE}/${shared.id}`), 200);
    expect(read.computed).toEqual({ double: 6, by: 'system:plugin:acme_goals', reader: 'otto-rep' });
    const pagesBefore = server.logs.filter((l) => l.includes('computed page')).length;
    const list = await expectJson<{ items: View[]; nextCursor: string | null }>(server.as('manager').api(`/api/records/${TYPE}?q=Widen&sort=title&limit=2`), 200);
    expect(list.items.map((v) => v.computed?.double)).toEqual([null, 10]);
    const pages = server.logs.filter((l) => l.includes('computed page')).slice(pagesBefore);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('"records":2');
    // Records of other entities carry no computed member.
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'No computed Ltd', status: 'prospect' } } }), 201);
    expect('computed' in (await expectJson<View>(server.api(`/api/records/crm.account/${account.id}`), 200))).toBe(false);
  });

  it('a computed function that throws is logged and the records are answered without computed values', async () => {
    const boom = await create(server.api, { title: 'explode' });
    const read = await expectJson<View>(server.api(`/api/records/${TYPE}/${boom.id}`), 200);
    expect(read.data.title).toBe('explode');
    expect(read.computed).toBeUndefined();
    expect(server.logs.some((l) => l.includes('[plugin:acme_goals] error computed values of acme_goals.goal failed'))).toBe(true);
  });
});

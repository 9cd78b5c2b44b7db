import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, countRows, startServer, type TestServer } from './harness';

interface View {
  id: string;
  version: number;
  data: Record<string, unknown>;
  stage: string | null;
  deletedAt: string | null;
}

describe.each(backends())('records API over HTTP on $name', (backend) => {
  let server: TestServer;
  let account: View;

  beforeAll(async () => {
    server = await startServer(backend);
    const res = await server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Acme Corporation', status: 'active', sector: 'technology', employees: 2822, annual_revenue: { amount: 1100040000, currency: 'USD' } } } });
    expect(res.status).toBe(201);
    account = (await res.json()) as View;
  });
  afterAll(() => server?.close());

  const create = async (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const res = await server.api('/api/records/pipeline.deal', { method: 'POST', json: { data, ...extra } });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as View;
  };

  it('creates, reads, updates with If-Match and soft-deletes, with an event per write', async () => {
    const created = await create({ name: 'Acme renewal', account_id: account.id, amount: { amount: 12000, currency: 'USD' }, close_date: '2027-03-31' }, { stage: 'prospecting' });
    expect(created).toMatchObject({ version: 1, stage: 'prospecting', data: { name: 'Acme renewal' } });
    const read = await server.api(`/api/records/pipeline.deal/${created.id}`);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(((await read.json()) as View).data.account_id).toBe(account.id);

    const patched = await server.api(`/api/records/pipeline.deal/${created.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { amount: { amount: 15000, currency: 'USD' }, close_date: null } } });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    const after = (await patched.json()) as View;
    expect(after.data.amount).toEqual({ amount: 15000, currency: 'USD' });
    expect(after.data).not.toHaveProperty('close_date');

    const del = await server.api(`/api/records/pipeline.deal/${created.id}`, { method: 'DELETE', headers: { 'if-match': '"2"' } });
    expect(del.status).toBe(204);
    expect((await server.api(`/api/records/pipeline.deal/${created.id}`)).status).toBe(404);
    const listed = (await (await server.api(`/api/records/pipeline.deal?filter[id]=${created.id}&includeDeleted=true`)).json()) as { items: View[] };
    expect(listed.items[0]?.deletedAt).not.toBeNull();

    const events = (await (await server.api(`/api/records/pipeline.deal/${created.id}/events`)).json()) as { items: { action: string; before: unknown; after: { version: number } | null; actor: string }[] };
    expect(events.items.map((e) => e.action)).toEqual(['create', 'update', 'delete']);
    expect(events.items[0]?.before).toBeNull();
    expect(events.items[1]?.after?.version).toBe(2);
    expect(events.items.every((e) => e.actor.length > 0)).toBe(true);
  });

  it('answers 412 to a stale If-Match and 428 to a missing one, writing nothing', async () => {
    const deal = await create({ name: 'Versioned' });
    await server.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { next_step: 'call' } } });
    const before = await countRows(server.platform);
    const stale = await server.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { next_step: 'lost' } } });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(((await stale.json()) as { currentVersion: number }).currentVersion).toBe(2);
    const missing = await server.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', json: { data: { next_step: 'lost' } } });
    expect(missing.status).toBe(428);
    const garbage = await server.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': 'yesterday' }, json: { data: {} } });
    expect(garbage.status).toBe(400);
    expect(await countRows(server.platform)).toEqual(before);
    const current = (await (await server.api(`/api/records/pipeline.deal/${deal.id}`)).json()) as View;
    expect(current.data.next_step).toBe('call');
  });

  it('refuses bad input with problem+json naming the field, and writes nothing', async () => {
    const before = await countRows(server.platform);
    const cases: { body: string; contentType?: string; status: number; pointer?: string; path?: string }[] = [
      { body: '{"data": {"name": "x"', status: 400 },
      { body: JSON.stringify({ data: { name: 42 } }), status: 422, pointer: '/data/name' },
      { body: JSON.stringify({ data: { name: 'x', amount: { amount: 'lots', currency: 'USD' } } }), status: 422, pointer: '/data/amount/amount' },
      { body: JSON.stringify({ data: { name: 'x', close_date: '31/03/2027' } }), status: 422, pointer: '/data/close_date' },
      { body: JSON.stringify({ data: { name: 'x', colour: 'red' } }), status: 422, pointer: '/data/colour' },
      { body: JSON.stringify({ data: { name: 'x' }, sneaky: true }), status: 422, pointer: '/sneaky' },
      { body: JSON.stringify({ data: {} }), status: 422, pointer: '/data/name' },
      { body: JSON.stringify([1, 2]), status: 422 },
      { body: JSON.stringify({ data: { name: 'x', account_id: '00000000-0000-4000-8000-000000000000' } }), status: 422, pointer: '/data/account_id' },
      { body: JSON.stringify({ data: { name: 'x' }, owner: 'nobody-at-all' }), status: 422, pointer: '/owner' },
      { body: JSON.stringify({ data: { name: 'x' } }), contentType: 'text/plain', status: 415 },
      { body: JSON.stringify({ data: { name: 'x' } }), status: 404, path: '/api/records/pipeline.unicorn' },
      { body: JSON.stringify({ data: { name: 'x' } }), status: 422, pointer: '/stage', path: '/api/records/crm.contact' },
    ];
    for (const c of cases) {
      const res = await server.api(c.path ?? '/api/records/pipeline.deal', { method: 'POST', body: c.path === '/api/records/crm.contact' ? JSON.stringify({ data: { first_name: 'A', last_name: 'B' }, stage: 'won' }) : c.body, headers: { 'content-type': c.contentType ?? 'application/json' } });
      expect(res.status, c.body).toBe(c.status);
      expect(res.headers.get('content-type'), c.body).toContain('application/problem+json');
      const problem = (await res.json()) as { status: number; detail: string; errors?: { pointer: string }[] };
      expect(problem.status).toBe(c.status);
      expect(problem.detail.length).toBeGreaterThan(5);
      if (c.pointer) expect(problem.errors?.map((e) => e.pointer), c.body).toContain(c.pointer);
    }
    expect(await countRows(server.platform)).toEqual(before);
  });

  it('answers 413 to a 10 MB body, chunked or not, and writes nothing', async () => {
    const before = await countRows(server.platform);
    const big = JSON.stringify({ data: { name: 'x', notes: 'a'.repeat(10 * 1024 * 1024) } });
    const plain = await server.api('/api/records/pipeline.deal', { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
    expect(plain.status).toBe(413);
    expect(plain.headers.get('content-type')).toContain('application/problem+json');
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 65536) controller.enqueue(bytes.slice(i, i + 65536));
        controller.close();
      },
    });
    const chunked = await fetch(`${server.url}/api/records/pipeline.deal`, { method: 'POST', body: stream, headers: { ...authHeaders(server), 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await countRows(server.platform)).toEqual(before);
  });

  it('lists with filters, sort and cursor pagination that visits every row once', async () => {
    for (let i = 0; i < 23; i++) await create({ name: `Page deal ${String(i).padStart(2, '0')}`, source: 'referral', amount: i % 5 === 0 ? undefined : { amount: 1000 + (i % 7) * 500, currency: 'USD' } });
    const seen: string[] = [];
    let cursor: string | null = null;
    let previous: number | null = -1;
    do {
      const qs = `filter[source]=referral&sort=-amount,name&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await server.api(`/api/records/pipeline.deal?${qs}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: View[]; nextCursor: string | null };
      for (const item of page.items) {
        const amount = (item.data.amount as { amount: number } | undefined)?.amount ?? null;
        if (previous !== null && previous !== -1 && amount !== null) expect(amount).toBeLessThanOrEqual(previous);
        if (previous === null) expect(amount).toBeNull();
        previous = amount;
        seen.push(item.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(23);
    expect(new Set(seen).size).toBe(23);

    const filtered = (await (await server.api('/api/records/pipeline.deal?filter[source]=referral&filter[amount][gte]=2500&total=true')).json()) as { items: View[]; total: number };
    expect(filtered.total).toBe(filtered.items.length);
    expect(filtered.items.every((d) => (d.data.amount as { amount: number }).amount >= 2500)).toBe(true);
    expect(filtered.total).toBe(Array.from({ length: 23 }, (_, i) => i).filter((i) => i % 5 !== 0 && 1000 + (i % 7) * 500 >= 2500).length);
    const searched = (await (await server.api('/api/records/pipeline.deal?q=page%20deal%2007')).json()) as { items: View[] };
    expect(searched.items.map((d) => d.data.name)).toEqual(['Page deal 07']);
    const inList = (await (await server.api('/api/records/pipeline.deal?filter[name][in]=Page%20deal%2001,Page%20deal%2002&total=true')).json()) as { total: number };
    expect(inList.total).toBe(2);
    const noAmount = (await (await server.api('/api/records/pipeline.deal?filter[source]=referral&filter[amount][exists]=false&total=true')).json()) as { total: number };
    expect(noAmount.total).toBe(5);
  });

  it('refuses bad list parameters with 400 naming the parameter', async () => {
    for (const [qs, parameter] of [
      ['filter[amount][gte]=lots', 'filter[amount][gte]'],
      ['filter[nope]=1', 'filter[nope]'],
      ['filter[name][regex]=x', 'filter[name][regex]'],
      ['sort=-nope', 'sort'],
      ['limit=0', 'limit'],
      ['cursor=garbage', 'cursor'],
      ['filter[close_date][lt]=tomorrow', 'filter[close_date][lt]'],
      ['colour=red', 'colour'],
    ] as const) {
      const res = await server.api(`/api/records/pipeline.deal?${qs}`);
      expect(res.status, qs).toBe(400);
      const problem = (await res.json()) as { errors: { parameter: string }[] };
      expect(problem.errors.map((e) => e.parameter), qs).toContain(parameter);
    }
    const other = await server.api('/api/records/pipeline.deal?sort=name&limit=1');
    const cursor = ((await other.json()) as { nextCursor: string }).nextCursor;
    const mismatch = await server.api(`/api/records/pipeline.deal?sort=-name&cursor=${cursor}`);
    expect(mismatch.status).toBe(400);
  });

  it('answers 404 problem+json for unknown entities, records and routes', async () => {
    for (const path of ['/api/records/pipeline.unicorn', '/api/records/pipeline.deal/00000000-0000-4000-8000-000000000000', '/api/records/pipeline.deal/not-a-uuid', '/api/nothing-here']) {
      const res = await server.api(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('reports health with the backend and loaded plugins', async () => {
    const res = await server.api('/health');
    const body = (await res.json()) as { status: string; storage: { backend: string }; plugins: { id: string }[] };
    expect(body.status).toBe('ok');
    expect(body.storage.backend).toBe(backend.name);
    expect(body.plugins.map((p) => p.id)).toEqual(expect.arrayContaining(['crm', 'handoff', 'okr', 'pipeline', 'scorecard']));
  });
});

/** Headers that authenticate a raw fetch the way `server.api` does. */
function authHeaders(server: TestServer): Record<string, string> {
  return (server as TestServer & { authHeaders?: Record<string, string> }).authHeaders ?? {};
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type ApiFetch, type TestServer, type TestUser } from '../harness';
import { compactStageCounts } from '../../src/records/stage-column';
import { QUALIFIED, createDeal, expectJson, move, type View } from './helpers';

interface Page {
  items: { id: string; stage: string; owner: string }[];
  nextCursor: string | null;
  total?: number;
}

describe.each(backends())('board columns from open stays and stage counters on $name', (backend) => {
  let server: TestServer;
  const list = (api: ApiFetch, query: string) => expectJson<Page>(api(`/api/records/pipeline.deal?${query}`), 200);
  /** The column as a plain scan answers it (default sort), for comparison. */
  const scanned = async (api: ApiFetch, stage: string, extra = '') => (await list(api, `filter[stage]=${stage}&total=true&limit=1${extra}`)).total;
  /** Every record of a column through the stage-entry sort, page by page, and its total. */
  const column = async (api: ApiFetch, stage: string, extra = '') => {
    const ids: string[] = [];
    let total: number | undefined;
    let cursor: string | null = null;
    do {
      const page: Page = await list(api, `filter[stage]=${stage}&sort=-enteredStageAt&limit=3&total=true${extra}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (total === undefined) total = page.total;
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    return { ids, total };
  };

  beforeAll(async () => {
    server = await startServer(backend);
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Acme', status: 'active' }, owner: null, orgUnit: null } }), 201);
    const owners: TestUser[] = ['rep', 'rep', 'colleague', 'other-rep', 'other-rep', 'manager'];
    const deals: View[] = [];
    for (const [i, user] of owners.entries()) deals.push(await createDeal(server.as(user, 'token').api, { name: `deal ${i}`, ...QUALIFIED, account_id: account.id }));
    // Concurrent moves into engaging: each changes the counters in its own transaction.
    const moved = await Promise.all(deals.slice(0, 5).map((d) => move(server.api, d.id, d.version, { to: 'engaging' })));
    expect(moved.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // One engaging deal is deleted, one of other-rep's is shared with rep.
    const gone = deals[2] as View;
    expect((await server.api(`/api/records/pipeline.deal/${gone.id}`, { method: 'DELETE' })).status).toBe(204);
    const shared = deals[3] as View;
    expect((await server.as('other-rep', 'token').api(`/api/records/pipeline.deal/${shared.id}/shares`, { method: 'POST', json: { userId: server.as('rep').userId, access: 'read' } })).status).toBe(201);
  }, 120_000);
  afterAll(() => server?.close());

  it('pages a column newest entry first and counts it like a scan, for every role', async () => {
    const clients: [string, ApiFetch][] = [['admin', server.api], ['manager', server.as('manager', 'token').api], ['rep', server.as('rep', 'token').api], ['other-manager', server.as('other-manager', 'token').api], ['regional', server.as('regional', 'token').api]];
    for (const [who, api] of clients) {
      for (const stage of ['prospecting', 'engaging', 'won']) {
        const { ids, total } = await column(api, stage);
        const expected = await scanned(api, stage);
        expect(total, `${who} ${stage}`).toBe(expected);
        expect(ids.length, `${who} ${stage}`).toBe(expected);
        expect(new Set(ids).size).toBe(ids.length);
      }
    }
    expect((await column(server.as('rep', 'token').api, 'engaging')).total).toBe(3); // two own + one shared
    expect((await column(server.api, 'engaging')).total).toBe(4); // five moved, one deleted
  });

  it('stays exact when deltas are compacted while deals move', async () => {
    const before = (await column(server.api, 'engaging')).total;
    const account = (await list(server.api, 'limit=1')).items[0];
    const source = await expectJson<View>(server.api(`/api/records/pipeline.deal/${account?.id}`), 200);
    const views: View[] = [];
    for (let i = 0; i < 4; i++) views.push(await createDeal(server.as('colleague', 'token').api, { name: `moving ${i}`, ...QUALIFIED, account_id: source.data.account_id }));
    const [moves, folded] = await Promise.all([Promise.all(views.map((v) => move(server.api, v.id, v.version, { to: 'engaging' }))), compactStageCounts(server.platform.database.db)]);
    expect(moves.every((m) => m.status === 200)).toBe(true);
    expect(folded).toBeGreaterThan(0);
    await compactStageCounts(server.platform.database.db);
    expect((await column(server.api, 'engaging')).total).toBe((before ?? 0) + views.length);
    expect((await column(server.api, 'engaging')).total).toBe(await scanned(server.api, 'engaging'));
    expect((await column(server.api, 'prospecting')).total).toBe(await scanned(server.api, 'prospecting'));
    const left = await server.platform.database.db.selectFrom('stage_count_deltas').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
  });

  it('counts with owner and team filters', async () => {
    const rep = server.as('rep').userId;
    for (const extra of [`&filter[owner]=${rep}`, '&filter[orgUnit]=t-south-a', '&filter[orgUnit]=t-north-a']) {
      expect((await column(server.api, 'engaging', extra)).total, extra).toBe(await scanned(server.api, 'engaging', extra));
    }
  });

  it('orders by entry into the stage: a deal moved last comes first', async () => {
    const first = (await list(server.api, 'filter[stage]=prospecting&sort=-enteredStageAt&limit=1')).items[0];
    expect(first).toBeDefined();
    const view = await expectJson<View>(server.api(`/api/records/pipeline.deal/${first?.id}`), 200);
    expect((await move(server.api, view.id, view.version, { to: 'engaging' })).status).toBe(200);
    expect((await list(server.api, 'filter[stage]=engaging&sort=-enteredStageAt&limit=1')).items[0]?.id).toBe(view.id);
  });

  it('refuses the stage-entry sort without exactly one stage', async () => {
    expect((await server.api('/api/records/pipeline.deal?sort=-enteredStageAt')).status).toBe(400);
    expect((await server.api('/api/records/pipeline.deal?filter[stage]=won&sort=-enteredStageAt,name')).status).toBe(400);
    expect((await server.api('/api/records/crm.account?filter[stage]=won&sort=-enteredStageAt')).status).toBe(400);
  });

  it('answers every column\'s first page and total in one request, as the listing answers each column, for every role and filter', async () => {
    const stages = ['prospecting', 'engaging', 'proposal', 'won'];
    const clients: [string, ApiFetch][] = [['admin', server.api], ['manager', server.as('manager', 'token').api], ['rep', server.as('rep', 'token').api], ['other-rep', server.as('other-rep', 'token').api]];
    for (const [who, api] of clients) {
      for (const extra of ['&sort=-enteredStageAt', '&sort=-enteredStageAt&filter[owner][eq]=other-rep', '&sort=name&q=deal', '&sort=-amount']) {
        const { columns } = await expectJson<{ columns: (Page & { stage: string })[] }>(api(`/api/records/pipeline.deal/columns?stages=${stages.join(',')}&limit=2${extra}`), 200);
        expect(columns.map((c) => c.stage), who).toEqual(stages);
        for (const c of columns) {
          const one = await list(api, `filter[stage][eq]=${c.stage}&limit=2&total=true${extra}`);
          expect({ ...c, stage: undefined }, `${who} ${c.stage}${extra}`).toEqual({ ...one, stage: undefined });
        }
      }
    }
    // every column counted: 4 engaging (five moved, one deleted) at least, as the column test above
    const admin = await expectJson<{ columns: (Page & { stage: string })[] }>(server.api('/api/records/pipeline.deal/columns?stages=engaging,won&sort=-enteredStageAt&limit=1'), 200);
    expect(admin.columns[0]?.total).toBe(await scanned(server.api, 'engaging'));
    expect(admin.columns[0]?.items).toHaveLength(1);
    expect(admin.columns[0]?.nextCursor).not.toBeNull();
  });

  it('refuses columns without stages, with too many, with a cursor or a stage filter, and of an entity without stages, naming the parameter', async () => {
    const refused = async (query: string, parameter: string, type = 'pipeline.deal') => {
      const res = await server.api(`/api/records/${type}/columns${query}`, { headers: { 'accept-language': 'zh-CN' } });
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { errors: { parameter: string }[] }).errors.map((e) => e.parameter), query).toEqual([parameter]);
    };
    await refused('', 'stages');
    await refused('?stages=', 'stages');
    await refused(`?stages=${Array.from({ length: 51 }, (_, i) => `s${i}`).join(',')}`, 'stages');
    await refused('?stages=won&cursor=abc', 'cursor');
    await refused('?stages=won&filter[stage][eq]=lost', 'filter[stage][eq]');
    await refused('?stages=won&sort=-nope', 'sort');
    await refused('?stages=won', 'stages', 'crm.account');
    expect((await server.api('/api/records/no.such/columns?stages=won')).status).toBe(404);
  });
});

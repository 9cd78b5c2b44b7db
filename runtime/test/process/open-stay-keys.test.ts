import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStayKeys } from '../../src/db/migrations/009-open-stay-keys';
import { compactStageCounts } from '../../src/records/stage-column';
import { backends, startServer, type ApiFetch, type TestServer, type TestUser } from '../harness';
import { QUALIFIED, createDeal, expectJson, move, type View } from './helpers';

interface Page {
  items: { id: string; stage: string; owner: string | null }[];
  nextCursor: string | null;
  total?: number;
}

const DEAL = '/api/records/pipeline.deal';
const STAGES = ['prospecting', 'engaging', 'lost'];
const LOST = { close_date: '2025-03-01', lost_reason: 'price' };
const ROLES: TestUser[] = ['admin', 'manager', 'rep', 'colleague', 'other-rep', 'other-manager', 'regional'];

/**
 * The open stays' copies of owner and org unit (migration 009) and the board columns read
 * through them: the copies equal the records' after creation, moves, reassignment and deletion,
 * also when reassignments and moves race; each role's column (page by page and its total) is
 * exactly what a plain scan with the same visibility lists.
 */
describe.each(backends())('open stays carry their record owner and org unit on $name', (backend) => {
  let server: TestServer;
  const db = () => server.platform.database.db;
  const id = (u: TestUser) => server.as(u).userId;
  const list = (api: ApiFetch, query: string) => expectJson<Page>(api(`${DEAL}?${query}`), 200);

  /** Open stays whose copy differs from their record (as `record_id: stay -> record`). */
  const mismatches = async () => {
    const { rows } = await sql<{ record_id: string; s_owner: string | null; s_unit: string | null; r_owner: string | null; r_unit: string | null }>`
      select s.record_id, s.owner_id as s_owner, s.org_unit_id as s_unit, r.owner_id as r_owner, r.org_unit_id as r_unit
      from stage_history s join records r on r.id = s.record_id
      where s.exited_at is null and (s.owner_id is distinct from coalesce(r.owner_id, '') or s.org_unit_id is distinct from coalesce(r.org_unit_id, ''))`.execute(db());
    return rows;
  };
  const openStays = async () => Number((await sql<{ n: string }>`select count(*) as n from stage_history where exited_at is null and record_type = 'pipeline.deal'`.execute(db())).rows[0]?.n);

  /** Every id of a column through the stage-entry sort (small pages), and its total. */
  const column = async (api: ApiFetch, stage: string) => {
    const ids: string[] = [];
    let total: number | undefined;
    let cursor: string | null = null;
    do {
      const page: Page = await list(api, `filter[stage]=${stage}&sort=-enteredStageAt&limit=2&total=true${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (total === undefined) total = page.total;
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    return { ids, total };
  };
  /** The same column as a plain scan lists it (default sort, no stays involved). */
  const scan = async (api: ApiFetch, stage: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(api, `filter[stage]=${stage}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  };
  const expectColumnsLikeScans = async () => {
    for (const role of ROLES) {
      const api = role === 'admin' ? server.api : server.as(role, 'token').api;
      for (const stage of STAGES) {
        const [{ ids, total }, scanned] = await Promise.all([column(api, stage), scan(api, stage)]);
        expect([...ids].sort(), `${role} ${stage}`).toEqual([...scanned].sort());
        expect(new Set(ids).size, `${role} ${stage} duplicates`).toBe(ids.length);
        expect(total, `${role} ${stage} total`).toBe(scanned.length);
      }
    }
  };
  const fresh = async (d: View) => expectJson<View>(server.api(`${DEAL}/${d.id}`), 200);
  const reassign = async (d: View, body: Record<string, unknown>) => {
    const cur = await fresh(d);
    return server.api(`${DEAL}/${d.id}`, { method: 'PATCH', headers: { 'if-match': `"${cur.version}"` }, json: body });
  };

  let deals: View[] = [];
  let accountId = '';

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Acme', status: 'active' }, owner: null, orgUnit: null } }), 201);
    accountId = account.id;
    const data = (i: number) => ({ name: `deal ${i}`, ...QUALIFIED, account_id: account.id });
    const creators: TestUser[] = ['rep', 'rep', 'rep', 'colleague', 'other-rep', 'other-rep', 'manager'];
    deals = [];
    for (const [i, user] of creators.entries()) deals.push(await createDeal(server.as(user, 'token').api, data(i)));
    // A deal with neither owner nor org unit (company-wide), one owned by a north rep but filed in
    // the south team, one owned by a south rep but filed in the north team.
    deals.push(await createDeal(server.api, data(7), { owner: null, orgUnit: null }));
    deals.push(await createDeal(server.api, data(8), { owner: id('rep'), orgUnit: 't-south-a' }));
    deals.push(await createDeal(server.api, data(9), { owner: id('other-rep'), orgUnit: 't-north-a' }));
    // A share makes one of other-rep's deals visible to rep.
    expect((await server.as('other-rep', 'token').api(`${DEAL}/${deals[4]?.id}/shares`, { method: 'POST', json: { userId: id('rep'), access: 'read' } })).status).toBe(201);
  }, 120_000);
  afterAll(() => server?.close());

  it('copies owner and org unit onto the stay a record is created in, and onto every stay a move opens', async () => {
    expect(await openStays()).toBe(deals.length);
    expect(await mismatches()).toEqual([]);
    const { rows } = await sql<{ owner_id: string | null; org_unit_id: string | null }>`select owner_id, org_unit_id from stage_history where record_id = ${deals[8]?.id} and exited_at is null`.execute(db());
    expect(rows).toEqual([{ owner_id: id('rep'), org_unit_id: 't-south-a' }]);
    for (const d of deals.slice(0, 9)) expect((await move(server.api, d.id, (await fresh(d)).version, { to: 'engaging' })).status).toBe(200);
    expect(await openStays()).toBe(deals.length);
    expect(await mismatches()).toEqual([]);
    await expectColumnsLikeScans();
  });

  it('follows a reassignment of owner and of org unit; closed stays keep what they had', async () => {
    const d = deals[0] as View;
    const closedBefore = (await sql<{ owner_id: string | null }>`select owner_id from stage_history where record_id = ${d.id} and exited_at is not null`.execute(db())).rows;
    expect(closedBefore).toEqual([{ owner_id: id('rep') }]);
    expect((await reassign(d, { owner: id('colleague') })).status).toBe(200);
    expect(await mismatches()).toEqual([]);
    expect((await column(server.as('rep', 'token').api, 'engaging')).ids).not.toContain(d.id);
    expect((await column(server.as('colleague', 'token').api, 'engaging')).ids).toContain(d.id);
    expect((await reassign(d, { orgUnit: 't-south-a', owner: id('other-rep') })).status).toBe(200);
    expect(await mismatches()).toEqual([]);
    expect((await column(server.as('manager', 'token').api, 'engaging')).ids).not.toContain(d.id);
    expect((await column(server.as('other-manager', 'token').api, 'engaging')).ids).toContain(d.id);
    const closedAfter = (await sql<{ owner_id: string | null }>`select owner_id from stage_history where record_id = ${d.id} and exited_at is not null`.execute(db())).rows;
    expect(closedAfter).toEqual(closedBefore);
    // The next move opens a stay with the new keys.
    expect((await move(server.api, d.id, (await fresh(d)).version, { to: 'lost', data: LOST })).status).toBe(200);
    const { rows } = await sql<{ owner_id: string | null; org_unit_id: string | null }>`select owner_id, org_unit_id from stage_history where record_id = ${d.id} and exited_at is null`.execute(db());
    expect(rows).toEqual([{ owner_id: id('other-rep'), org_unit_id: 't-south-a' }]);
    // Deleted records leave every column.
    const gone = deals[1] as View;
    expect((await server.api(`${DEAL}/${gone.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectColumnsLikeScans();
  });

  it('stays exact when reassignments and moves race, and so do the counts', async () => {
    const racing: View[] = [];
    for (let i = 0; i < 6; i++) racing.push(await createDeal(server.as(i % 2 ? 'colleague' : 'rep', 'token').api, { name: `race ${i}`, ...QUALIFIED, account_id: accountId }));
    const owners = [id('rep'), id('colleague'), id('other-rep')];
    const units = ['t-north-a', 't-north-b', 't-south-a'];
    // Each deal is moved and reassigned at once, several times; some writes lose the race (412).
    for (const [round, to] of ['engaging', 'lost'].entries()) {
      const statuses = await Promise.all([
        ...racing.map(async (d) => (await move(server.api, d.id, (await fresh(d)).version, { to, ...(to === 'lost' ? { data: LOST } : {}) })).status),
        ...racing.map(async (d, i) => (await reassign(d, { owner: owners[(i + round) % 3], orgUnit: units[(i + 2 * round) % 3] })).status),
        compactStageCounts(db()).then(() => 200),
      ]);
      expect(statuses.every((s) => s === 200 || s === 412), JSON.stringify(statuses)).toBe(true);
    }
    expect(await mismatches()).toEqual([]);
    await expectColumnsLikeScans();
    await compactStageCounts(db());
    await expectColumnsLikeScans();
  });

  it('fills an open stay written without keys from its record, and backfills on migration', async () => {
    const d = deals[2] as View;
    const stay = await sql<{ id: string }>`insert into stage_history (record_id, record_type, process_id, process_version, stage, entered_at, entered_by, snapshot, exited_at)
      select id, type, process_id, process_version, stage, now(), 'system:test', '{}'::jsonb, now() from records where id = ${d.id} returning id`.execute(db());
    const closed = await sql<{ owner_id: string | null }>`select owner_id from stage_history where id = ${stay.rows[0]?.id}`.execute(db());
    expect(closed.rows).toEqual([{ owner_id: null }]); // written closed: not filled
    await sql`update stage_history set owner_id = null, org_unit_id = null where exited_at is null`.execute(db());
    expect((await mismatches()).length).toBeGreaterThan(3);
    await openStayKeys({ concurrent: false }).up(db() as never);
    expect(await mismatches()).toEqual([]);
    await expectColumnsLikeScans();
  });
});

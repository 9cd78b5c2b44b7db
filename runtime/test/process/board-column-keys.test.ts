import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUserPrincipal } from '../../src/auth/load-principal';
import type { Principal } from '../../src/auth/principal';
import { backends, startServer, type TestServer, type TestUser } from '../harness';
import { QUALIFIED, createDeal, expectJson, move, type View } from './helpers';

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
  total?: number;
}

const DEAL = '/api/records/pipeline.deal';
const STAGES = ['prospecting', 'engaging'];
const ROLES: TestUser[] = ['admin', 'manager', 'regional', 'other-manager', 'rep', 'colleague', 'other-rep'];

/**
 * A restricted principal's board column is read as a union of per-key index branches (ADR 008,
 * decisions 12 and 14). Here every role's column, in order and page by page, must equal the
 * plain query: the open stays of the stage joined to their records, filtered by the access
 * policy's own condition, ordered by entry (newest first) and record id. The data puts records
 * where only one key reaches them (a team manager's one unit; a regional manager's region and
 * both teams; owners filed outside their team; a share; a company-wide record) and gives many
 * stays the same entry time, so a branch that dropped, duplicated or misordered rows fails.
 */
describe.each(backends())('board column keys against the plain query on $name', (backend) => {
  let server: TestServer;
  const db = () => server.platform.database.db;
  const principal = async (u: TestUser) => (await loadUserPrincipal(db(), server.as(u).userId, { via: 'token', credentialId: 'test' })) as Principal;

  /** The column as the plain query lists it: every open stay, the full visibility condition on its record, newest entry first. */
  const plain = async (p: Principal, stage: string) => {
    const visible = server.platform.store.access.read(p, 'pipeline.deal');
    const { rows } = await sql<{ id: string }>`select records.id from stage_history h join records on records.id = h.record_id
      where h.record_type = 'pipeline.deal' and h.stage = ${stage} and h.exited_at is null
        and records.type = 'pipeline.deal' and records.stage = ${stage} and records.deleted_at is null and ${visible ?? sql`true`}
      order by h.entered_at desc, h.record_id asc`.execute(db());
    return rows.map((r) => r.id);
  };
  /** The column through the API, page by page (pages of 2, so every branch is cut several times). */
  const column = async (u: TestUser, stage: string) => {
    const ids: string[] = [];
    let total: number | undefined;
    let cursor: string | null = null;
    do {
      const page: Page = await expectJson<Page>(server.as(u, 'token').api(`${DEAL}?filter[stage]=${stage}&sort=-enteredStageAt&limit=2&total=true${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
      total ??= page.total;
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    return { ids, total };
  };

  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    const account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Acme', status: 'active' }, owner: null, orgUnit: null } }), 201);
    const id = (u: TestUser) => server.as(u).userId;
    const data = (i: number) => ({ name: `deal ${i}`, ...QUALIFIED, account_id: account.id });
    // [owner, org unit]: own team, the other north team, the region itself, owners filed outside their team, company-wide, south.
    const placed: [string | null, string | null][] = [
      [id('rep'), 't-north-a'], [id('rep'), 't-north-a'], [id('colleague'), 't-north-a'], [id('manager'), 't-north-a'],
      [id('other-rep'), 't-north-b'], [id('other-rep'), 't-north-b'], [null, 't-north-b'],
      [null, 't-north'], [id('regional'), 't-north'],
      [id('colleague'), 't-south-a'], [id('other-rep'), 't-north-a'],
      [null, null],
      [id('other-rep'), 't-south-a'], [id('other-manager'), 't-south-a'], [id('other-rep'), 't-south-a'],
    ];
    const deals: View[] = [];
    for (const [i, [owner, orgUnit]] of [...placed, ...placed].entries()) deals.push(await createDeal(server.api, data(i), { owner, orgUnit }));
    // Every third deal moves on to engaging; one south deal is shared with the team manager.
    for (const d of deals.filter((_, i) => i % 3 === 0)) expect((await move(server.api, d.id, d.version, { to: 'engaging' })).status).toBe(200);
    expect((await server.as('other-rep', 'token').api(`${DEAL}/${deals[12]?.id}/shares`, { method: 'POST', json: { userId: id('manager'), access: 'read' } })).status).toBe(201);
    // Entry times in four buckets: most stays tie with others, so the record id decides their order.
    await sql`update stage_history set entered_at = timestamptz '2025-01-01' + (abs(hashtext(record_id::text)) % 4) * interval '1 hour' where exited_at is null`.execute(db());
  }, 120_000);
  afterAll(() => server?.close());

  it('lists every role\'s column exactly as the plain query does: same rows, same order, same total', async () => {
    const regional = await principal('regional');
    expect(regional.visibleUnits.length, 'a multi-unit subtree').toBeGreaterThan(1);
    expect((await principal('manager')).visibleUnits, 'a one-unit subtree').toEqual(['t-north-a']);
    for (const role of ROLES) {
      const p = await principal(role);
      for (const stage of STAGES) {
        const expected = await plain(p, stage);
        const { ids, total } = await column(role, stage);
        expect(ids, `${role} ${stage}`).toEqual(expected);
        expect(total, `${role} ${stage} total`).toBe(expected.length);
      }
    }
    // The regional manager sees the other north team's and the region's own records through their units only.
    const north = await plain(regional, 'prospecting');
    expect(north.length).toBeGreaterThan((await plain(await principal('manager'), 'prospecting')).length);
  });

  it('a first page of 50 is the plain query\'s first 50 for a multi-unit and a one-unit manager', async () => {
    for (const role of ['regional', 'manager'] as const) {
      const p = await principal(role);
      for (const stage of STAGES) {
        const page = await expectJson<Page>(server.as(role, 'token').api(`${DEAL}?filter[stage]=${stage}&sort=-enteredStageAt&limit=50&total=true`), 200);
        const expected = await plain(p, stage);
        expect(page.items.map((i) => i.id), `${role} ${stage}`).toEqual(expected.slice(0, 50));
        expect(page.total).toBe(expected.length);
      }
    }
  });
});

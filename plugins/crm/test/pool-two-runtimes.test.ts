import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { loadConfig } from '../../../runtime/src/config';
import { createPlatform, type Platform } from '../../../runtime/src/platform';
import { startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, publish, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';

const url = process.env.TEST_DATABASE_URL;
const DAY = 86_400_000;

/**
 * The pool's recycle timer delivered to two runtimes on one PostgreSQL schema at once (as two
 * servers behind a load balancer whose schedules fire the same tick): each due account returns
 * to its pool once, its stint is closed once, its owner is warned and told once. PostgreSQL only
 * (a PGlite database belongs to one process).
 */
describe.skipIf(!url)('pool recycle across two runtimes on postgres', () => {
  let server: TestServer;
  let second: Platform;
  let now = new Date('2032-05-03T08:00:00Z');

  beforeAll(async () => {
    server = await startServer({ name: 'postgres', url: url as string }, { PIPEWRIGHT_RATE_LIMIT: '100000' }, { now: () => now });
    await server.seedOrg();
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(server.platform.database.db)).rows[0]?.s;
    if (!schema?.startsWith('t_')) throw new Error(`unexpected schema ${String(schema)}`);
    second = await createPlatform(loadConfig({ DATABASE_URL: url as string, PIPEWRIGHT_DATA_DIR: 'memory', PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_RATE_LIMIT: '100000' }), { schema, log: () => undefined, now: () => now });
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await server?.close();
  });

  it('warns once and returns each due account once when both runtimes run the recycle job at the same moment', async () => {
    await publish(server.api, 'lead');
    await expectJson<View>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Twin pool', region_unit: 't-north', max_held: 100, max_claims_per_day: 100, warn_days: 2, recycle_rules: [{ id: 'quiet', measure: 'days_since_follow_up', limit: 5 }] } } }), 201);
    const rep = server.as('rep', 'token').api;
    const accounts = await Promise.all(Array.from({ length: 6 }, (_, i) => expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: `Twin ${i} Holdings`, status: 'active', dedupe_override: { confirm: true } }, owner: null, orgUnit: 't-north-a' } }), 201)));
    for (const a of accounts) await expectJson(rep(`/api/plugins/crm/pool/accounts/${a.id}/claim`, { method: 'POST' }), 200);
    const job = plugin.jobs?.pool_recycle as (d: Record<string, unknown>, s: unknown) => Promise<void>;
    const a = server.platform.plugins.services('crm', systemPrincipal('plugin:crm'));
    const b = second.plugins.services('crm', systemPrincipal('plugin:crm'));
    const db = server.platform.database.db;
    const notices = async (kind: string) => (await db.selectFrom('notifications').select(['record_id', 'user_id']).where('kind', '=', kind).execute()).map((n) => `${n.record_id}:${n.user_id}`).sort();
    const ids = accounts.map((x) => `${x.id}:rick-rep`).sort();

    now = new Date(now.getTime() + 3 * DAY + 60_000);
    await Promise.all([job({}, a), job({}, b)]);
    await Promise.all([job({}, a), job({}, b)]);
    expect(await notices('crm.pool-warning')).toEqual(ids);

    now = new Date(now.getTime() + 2 * DAY);
    await Promise.all([job({}, a), job({}, b)]);
    await Promise.all([job({}, b), job({}, a)]);
    expect(await notices('crm.pool-recycled')).toEqual(ids);
    for (const x of accounts) {
      const v = await expectJson<View>(server.api(`/api/records/crm.account/${x.id}`), 200);
      expect(v.owner).toBeNull();
      // Returned by one write: the claim, then the return (versions: create 1, claim 2, return 3).
      expect(v.version).toBe(3);
      const history = await db.selectFrom('records').select(sql<string>`data->>'ended_by'`.as('ended')).where('type', '=', 'crm.ownership').where(sql<boolean>`data->>'account_id' = ${x.id}`).execute();
      expect(history.map((h) => h.ended)).toEqual(['recycle']);
    }
  }, 180_000);

  it("runs each pool's rules on the pool's own schedule, once per tick across both runtimes (accounts and leads)", async () => {
    now = new Date('2032-06-01T08:00:00Z');
    const nightly = await expectJson<View>(server.api('/api/records/crm.pool', { method: 'POST', json: { data: { name: 'Nightly pool', member_units: ['t-north-a'], max_held: 100, max_claims_per_day: 100, warn_days: 0, recycle_schedule: '0 2 * * *', recycle_rules: [{ id: 'quiet', measure: 'days_since_follow_up', limit: 1 }] } } }), 201);
    const rep = server.as('rep', 'token').api;
    const accounts = await Promise.all(Array.from({ length: 3 }, (_, i) => expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: `Nightly ${i} Co`, status: 'active', pool_id: nightly.id, dedupe_override: { confirm: true } }, owner: null, orgUnit: 't-north-a' } }), 201)));
    for (const a of accounts) await expectJson(rep(`/api/plugins/crm/pool/accounts/${a.id}/claim`, { method: 'POST' }), 200);
    const leadPlugin = server.platform.registry.plugins.find((p) => p.manifest.id === 'handoff');
    const lead = await expectJson<View>(server.api('/api/records/handoff.lead', { method: 'POST', json: { data: { company_name: 'Nightly Lead Co', contact_name: 'Zhang Wei', pool_id: nightly.id }, owner: null, orgUnit: 't-north-a' } }), 201);
    await expectJson(rep(`/api/plugins/handoff/pool/leads/${lead.id}/claim`, { method: 'POST' }), 200);
    const job = plugin.jobs?.pool_recycle as (d: Record<string, unknown>, s: unknown) => Promise<void>;
    const leadJob = leadPlugin?.runtime?.jobs?.lead_pool_recycle as (d: Record<string, unknown>, s: unknown) => Promise<void>;
    const crm = [server.platform.plugins.services('crm', systemPrincipal('plugin:crm')), second.plugins.services('crm', systemPrincipal('plugin:crm'))];
    const handoff = [server.platform.plugins.services('handoff', systemPrincipal('plugin:handoff')), second.plugins.services('handoff', systemPrincipal('plugin:handoff'))];
    const tick = async () => {
      await Promise.all([job({}, crm[0]), job({}, crm[1]), leadJob({}, handoff[0]), leadJob({}, handoff[1])]);
      await Promise.all([job({}, crm[1]), job({}, crm[0]), leadJob({}, handoff[1]), leadJob({}, handoff[0])]);
    };
    const db = server.platform.database.db;
    const runs = async () => (await db.selectFrom('records').select([sql<string>`data->>'subject'`.as('subject'), sql<string>`data->>'fired_at'`.as('fired'), sql<string>`data->>'recycled'`.as('recycled')]).where('type', '=', 'crm.pool_run').where(sql<boolean>`data->>'pool_id' = ${nightly.id}`).orderBy(sql`data->>'fired_at'`).orderBy(sql`data->>'subject'`).execute()).map((r) => `${r.subject} ${r.fired} ${r.recycled}`);
    const owners = async () => Promise.all([...accounts.map((a) => expectJson<View>(server.api(`/api/records/crm.account/${a.id}`), 200)), expectJson<View>(server.api(`/api/records/handoff.lead/${lead.id}`), 200)]).then((v) => v.map((x) => x.owner));

    // 02:05 the next night (18 hours held): the 02:00 tick runs once per subject, nothing is due yet.
    now = new Date('2032-06-02T02:05:00Z');
    await tick();
    expect(await runs()).toEqual(['account 2032-06-02T02:00:00.000Z 0', 'lead 2032-06-02T02:00:00.000Z 0']);
    // 08:05 (a day held, the rule is due): the pool's tick has run, so nothing happens until the next night.
    now = new Date('2032-06-02T08:05:00Z');
    await tick();
    expect(await owners()).toEqual(['rick-rep', 'rick-rep', 'rick-rep', 'rick-rep']);
    expect(await runs()).toHaveLength(2);
    // 02:05 the night after: the tick runs once, and everything returns once.
    now = new Date('2032-06-03T02:05:00Z');
    await tick();
    expect(await owners()).toEqual([null, null, null, null]);
    expect(await runs()).toEqual(['account 2032-06-02T02:00:00.000Z 0', 'lead 2032-06-02T02:00:00.000Z 0', 'account 2032-06-03T02:00:00.000Z 3', 'lead 2032-06-03T02:00:00.000Z 1']);
    for (const a of accounts) expect((await expectJson<View>(server.api(`/api/records/crm.account/${a.id}`), 200)).version).toBe(3);
    const recycled = await db.selectFrom('notifications').select('record_id').where('kind', 'in', ['crm.pool-recycled', 'handoff.pool-recycled']).where('record_id', 'in', [...accounts.map((a) => a.id), lead.id]).execute();
    expect(recycled).toHaveLength(4);
  }, 180_000);
});

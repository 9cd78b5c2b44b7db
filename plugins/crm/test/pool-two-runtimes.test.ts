import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { loadConfig } from '../../../runtime/src/config';
import { createPlatform, type Platform } from '../../../runtime/src/platform';
import { startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type View } from '../../../runtime/test/process/helpers';
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
});

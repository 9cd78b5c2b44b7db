import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { loadConfig } from '../../../runtime/src/config';
import { createPlatform, type Platform } from '../../../runtime/src/platform';
import { startServer, type TestServer } from '../../../runtime/test/harness';
import { expectJson, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';

const url = process.env.TEST_DATABASE_URL;

/**
 * The report reminder (日报/周报) fires once per rep and period when two runtimes on one
 * PostgreSQL schema run the scheduled job at the same moment, several times over. PostgreSQL
 * only (a PGlite database belongs to one process).
 */
describe.skipIf(!url)('report reminders across two runtimes on postgres', () => {
  let server: TestServer;
  let second: Platform;
  const now = () => new Date('2026-12-02T09:30:00Z'); // 17:30 in Shanghai, 30 minutes before the deadline

  beforeAll(async () => {
    server = await startServer({ name: 'postgres', url: url as string }, {}, { now });
    await server.seedOrg();
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(server.platform.database.db)).rows[0]?.s;
    if (!schema?.startsWith('t_')) throw new Error(`unexpected schema ${String(schema)}`);
    second = await createPlatform(loadConfig({ DATABASE_URL: url as string, PIPEWRIGHT_DATA_DIR: 'memory', PIPEWRIGHT_DEMO: 'false' }), { schema, log: () => undefined, now });
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await server?.close();
  });

  it('sends one reminder per rep who has not submitted, whatever the number of runs and runtimes', async () => {
    await expectJson<View>(server.as('manager').api('/api/records/crm.report_template', { method: 'POST', json: { data: { name: 'North A daily', team_id: 't-north-a', period: 'daily', deadline_time: '18:00', time_zone: 'Asia/Shanghai', remind_before_minutes: 60 } } }), 201);
    const run = (p: Platform) => (plugin.jobs?.report_reminders as (d: Record<string, unknown>, s: unknown) => Promise<void>)({}, p.plugins.services('crm', systemPrincipal('plugin:crm')));
    await Promise.all([run(server.platform), run(second), run(server.platform), run(second)]);
    const rows = await server.platform.database.db.selectFrom('notifications').select(['user_id']).where('kind', '=', 'crm.report-reminder').execute();
    // The reps of North A (Rick and Cora), once each.
    expect(rows.map((r) => r.user_id).sort()).toEqual(['cora-colleague', 'rick-rep']);
  });
});

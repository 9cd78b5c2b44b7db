import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { loadConfig } from '../../../runtime/src/config';
import { createPlatform, type Platform } from '../../../runtime/src/platform';
import { startServer, type TestServer } from '../../../runtime/test/harness';
import { plugin } from '../src/runtime/index';
import { wonDeal } from './contracts.test-support';

const url = process.env.TEST_DATABASE_URL;
const NOW = new Date('2026-06-15T09:00:00Z');

/**
 * The overdue timer on two runtimes sharing one PostgreSQL schema (as behind a load balancer,
 * each with its schedule): both run the job at once, several times; every overdue instalment's
 * owner is reminded once and every escalation reaches the manager once. PostgreSQL only (a
 * PGlite database belongs to one process).
 */
describe.skipIf(!url)('contract overdue timers across two runtimes on postgres', () => {
  let server: TestServer;
  let second: Platform;

  beforeAll(async () => {
    server = await startServer({ name: 'postgres', url: url as string }, { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_RATE_LIMIT: '100000' }, { now: () => NOW });
    await server.seedOrg();
    await server.platform.processes.startWorkers(2);
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(server.platform.database.db)).rows[0]?.s;
    if (!schema?.startsWith('t_')) throw new Error(`unexpected schema ${String(schema)}`);
    second = await createPlatform(loadConfig({ DATABASE_URL: url as string, PIPEWRIGHT_DATA_DIR: 'memory', PIPEWRIGHT_DEMO: 'false', PIPEWRIGHT_JOB_POLL_SECONDS: '0.5' }), { schema, log: () => undefined, now: () => NOW });
    await second.processes.startWorkers(2);
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await server?.close();
  });

  it('reminds and escalates once per overdue instalment when both runtimes run the timer together', async () => {
    const rep = server.as('rep', 'token').api;
    // Signed 2026-03-01: instalments due 03-31 (76 days late), 04-30 (46), 05-30 (16) -> 3 reminders, 3 escalations each.
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await wonDeal(server, rep, { value: 3000 + i * 300, closeDate: '2026-03-01' }));
    const job = plugin.jobs?.contract_overdue;
    if (!job) throw new Error('no job');
    const a = server.platform.plugins.services('pipeline', systemPrincipal('plugin:pipeline'));
    const b = second.plugins.services('pipeline', systemPrincipal('plugin:pipeline'));
    await Promise.all([job({}, a), job({}, b), job({}, a), job({}, b)]);
    await Promise.all([job({}, b), job({}, a)]);
    const ids = made.map((m) => m.contract.contract.id);
    const rows = await server.platform.database.db.selectFrom('notifications').select(['user_id', 'kind', 'dedupe_key']).where('record_id', 'in', ids).execute();
    const reminders = rows.filter((r) => r.kind === 'pipeline.contract-overdue');
    const escalations = rows.filter((r) => r.kind === 'pipeline.contract-overdue-escalated');
    expect(reminders.length).toBe(12);
    expect(new Set(reminders.map((r) => r.dedupe_key)).size).toBe(12);
    expect(reminders.every((r) => r.user_id === 'rick-rep')).toBe(true);
    expect(escalations.length).toBe(12);
    expect(escalations.every((r) => r.user_id === 'mia-manager')).toBe(true);
    // Each instalment was stamped once: version 1 (created) + 1 (reminded) + 1 (escalated).
    const inst = await server.platform.database.db.selectFrom('records').select(['version', 'data']).where('type', '=', 'pipeline.instalment').where(sql<boolean>`data->>'contract_id' in (${sql.join(ids)})`).execute();
    expect(inst.length).toBe(12);
    expect(inst.map((r) => r.version)).toEqual(inst.map(() => 3));
  }, 240_000);
});

import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../bench/server-process';
import { childRuntimes, client } from './child';
import { eventually } from './helpers';

const URL_ = process.env.TEST_DATABASE_URL;

/** Resolves once a killed server process is gone (a signal leaves exitCode null). */
const exited = (s: RunningServer) => new Promise<void>((r) => (s.child.exitCode === null && s.child.signalCode === null ? s.child.once('exit', () => r()) : r()));
const DEALS = 200;

const CRASH_PROCESS = {
  id: 'crash_test',
  label: 'Crash test',
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [
    { id: 'a', label: 'A', kind: 'open' },
    { id: 'b', label: 'B', kind: 'open', sla: { maxDays: 30 } },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    {
      id: 'advance',
      from: 'a',
      to: 'b',
      guard: { '!!': { var: 'name' } },
      actions: [
        { id: 'tell', type: 'core.notify', config: { title: 'Advanced {{name}}' } },
        { id: 'task', type: 'core.create_activity', config: { subject: 'Follow up {{name}}', dueInDays: 1 } },
      ],
    },
    { id: 'win', from: 'b', to: 'won' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
};

describe.runIf(URL_)('kill -9 during 200 concurrent transitions, then restart (PostgreSQL)', () => {
  const runtimes = childRuntimes(URL_ as string);

  it('loses nothing acknowledged, leaves no stage without history and audit, and runs every enqueued action', async () => {
    const { db, first, token } = await runtimes.open();
    let api = client(first.url, token);
    expect((await api('/api/processes', { method: 'POST', json: CRASH_PROCESS })).status).toBe(201);
    expect((await api('/api/processes/crash_test/publish', { method: 'POST' })).status).toBe(201);
    await db.query(`insert into records (id, type, owner_id, org_unit_id, stage, version, data, created_by, updated_by, created_at, updated_at)
      select gen_random_uuid(), 'pipeline.deal', 'rep', 'unit', null, 1, jsonb_build_object('name', 'Deal ' || g), 'system:test', 'system:test', now(), now() from generate_series(1, ${DEALS}) g`);
    const ids = (await db.query<{ id: string }>(`select id from records where type = 'pipeline.deal' order by id`)).map((r) => r.id);

    const acked = new Map<string, string>();
    let killed = false;
    const storm = ids.map(async (id) => {
      try {
        const res = await api(`/api/deals/${id}/transitions`, { method: 'POST', headers: { 'if-match': '"1"' }, json: { to: 'a', process: 'crash_test' } });
        if (res.status !== 200) return;
        const body = (await res.json()) as { transition: { historyId: string } };
        acked.set(id, body.transition.historyId);
        if (acked.size >= 40 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      } catch {
        // Connection reset by the kill: not acknowledged.
      }
    });
    await Promise.all(storm);
    expect(killed).toBe(true);
    await exited(first);
    // Move every entered deal once more (a -> b, with actions) in a second storm, killed again.
    const second = await runtimes.start();
    api = client(second.url, token);
    const entered = (await db.query<{ id: string }>(`select id from records where stage = 'a'`)).map((r) => r.id);
    const ackedB = new Map<string, string>();
    let killedB = false;
    await Promise.all(entered.map(async (id) => {
      try {
        const res = await api(`/api/deals/${id}/transitions`, { method: 'POST', headers: { 'if-match': '"2"' }, json: { to: 'b' } });
        if (res.status !== 200) return;
        ackedB.set(id, ((await res.json()) as { transition: { historyId: string } }).transition.historyId);
        if (ackedB.size >= 30 && !killedB) {
          killedB = true;
          second.child.kill('SIGKILL');
        }
      } catch {
        // reset by the kill
      }
    }));
    expect(killedB).toBe(true);
    await exited(second);
    const third = await runtimes.start();

    // Every acknowledged transition is there, with the history row the client was told about.
    const stays = await db.query<{ id: string; record_id: string; stage: string; exited_at: Date | null }>(`select id::text as id, record_id, stage, exited_at from stage_history`);
    const stayIds = new Set(stays.map((s) => s.id));
    for (const [, h] of [...acked, ...ackedB]) expect(stayIds.has(h)).toBe(true);
    // No record has a stage without its open stay and its audit event, and none has a stay without its stage.
    const rows = await db.query<{ id: string; stage: string | null; version: number; open_stage: string | null; open_stays: string; events: string; stays: string }>(`
      select r.id, r.stage, r.version,
        (select h.stage from stage_history h where h.record_id = r.id and h.exited_at is null) as open_stage,
        (select count(*) from stage_history h where h.record_id = r.id and h.exited_at is null) as open_stays,
        (select count(*) from stage_history h where h.record_id = r.id) as stays,
        (select count(*) from events e where e.record_id = r.id and e.action = 'transition') as events
      from records r where r.type = 'pipeline.deal'`);
    expect(rows).toHaveLength(DEALS);
    for (const r of rows) {
      expect(r.open_stage).toBe(r.stage);
      expect(Number(r.open_stays)).toBe(r.stage === null ? 0 : 1);
      expect(Number(r.events)).toBe(Number(r.stays));
      expect(r.version).toBe(1 + Number(r.events));
    }
    const inB = rows.filter((r) => r.stage === 'b');
    for (const id of ackedB.keys()) expect(inB.some((r) => r.id === id)).toBe(true);
    console.log(`crash test: ${acked.size}/${DEALS} first moves and ${ackedB.size}/${entered.length} second moves acknowledged before kill -9; ${rows.filter((r) => r.stage !== null).length} entered, ${inB.length} in b after restart`);

    // Every enqueued action runs, once, after the restart (jobs a dead worker held expire and retry).
    const keys = inB.length * 2;
    try {
      await eventually(async () => Number((await db.query<{ n: string }>(`select count(*) as n from action_runs where status = 'done'`))[0]?.n) === keys, 45_000, 500);
    } catch (err) {
      console.log('jobs', JSON.stringify(await db.query(`select state, retry_count, count(*) from pgboss.job where name = 'pw_actions' group by 1, 2`)), 'runs', JSON.stringify(await db.query('select status, count(*) from action_runs group by 1')), 'expected', keys);
      console.log(third.output().slice(-3000));
      throw err;
    }
    const activities = await db.query<{ deal: string; n: string }>(`select data->>'deal_id' as deal, count(*) as n from records where type = 'crm.activity' group by 1`);
    expect(activities).toHaveLength(inB.length);
    expect(activities.every((a) => a.n === '1')).toBe(true);
    expect(Number((await db.query<{ n: string }>(`select count(*) as n from notifications where kind = 'process'`))[0]?.n)).toBe(inB.length);
    // The restarted runtime keeps working.
    const last = rows.find((r) => r.stage === 'b');
    if (last) expect((await client(third.url, token)(`/api/deals/${last.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${last.version}"` }, json: { to: 'won' } })).status).toBe(200);
  }, 120_000);
});

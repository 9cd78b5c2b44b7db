import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/jobs/queue';
import type { ActionJob } from '../../src/process/transition';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { createDeal, eventually, expectJson, move, publish, type View } from './helpers';

// Retries and polls an hour apart: whatever this file sees happen, happened without waiting for
// either, so the assertions are about order and independence, never about seconds.
process.env.PIPEWRIGHT_JOB_RETRY_LIMIT = '3';
process.env.PIPEWRIGHT_JOB_RETRY_DELAY_SECONDS = '3600';
process.env.PIPEWRIGHT_JOB_POLL_SECONDS = '3600';
process.env.PIPEWRIGHT_WEBHOOK_SECRET = 'whsec-job-flow';

describe.each(backends())('action jobs on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    await server.seedOrg();
    await expectJson(
      server.api('/api/processes', {
        method: 'POST',
        json: {
          id: 'job_flow',
          label: 'Job flow',
          entity: 'pipeline.deal',
          initialStage: 'a',
          stages: [
            { id: 'a', label: 'A', kind: 'open' },
            { id: 'b', label: 'B', kind: 'open' },
            { id: 'won', label: 'Won', kind: 'won', probability: 1 },
            { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
          ],
          transitions: [
            {
              id: 'go',
              from: 'a',
              to: 'b',
              actions: [
                // A host whose name does not resolve: the delivery fails for now, again and again.
                { id: 'hook', type: 'core.webhook', config: { url: 'https://hooks.does-not-exist.invalid/pipewright' } },
                { id: 'tell', type: 'core.notify', config: { title: 'Moved: {{name}}' } },
                { id: 'step', type: 'core.set_field', config: { field: 'next_step', value: 'Follow up' } },
              ],
            },
            { id: 'win', from: 'b', to: 'won' },
            { id: 'lose', from: '*', to: 'lost' },
          ],
        },
      }),
      201,
    );
    await publish(server.api, 'job_flow');
  }, 120_000);
  afterAll(() => server?.close());

  const runs = (recordId: string) => server.platform.database.db.selectFrom('action_runs').select(['key', 'status']).where('record_id', '=', recordId).execute();
  const jobs = () => sql.table(`${server.platform.processes.queue.schema}.job`);

  it('runs the actions after a failing webhook at once; the webhook alone waits for its retry', async () => {
    await server.platform.processes.startWorkers(1);
    const deal = await createDeal(rep.api, { name: 'Unreachable hook' }, { process: 'job_flow' });
    const entered = deal.stage !== null ? deal : (await expectJson<{ record: View }>(move(rep.api, deal.id, deal.version, { to: 'a', process: 'job_flow' }), 200)).record;
    expect(entered.stage).toBe('a');
    const moved = await expectJson<{ transition: { historyId: string } }>(move(rep.api, deal.id, entered.version, { to: 'b' }), 200);
    const key = (id: string) => `${moved.transition.historyId}:${id}`;
    // The notification and the field are done although the webhook before them failed and its
    // next try is an hour away.
    const done = await eventually(async () => {
      const r = await runs(deal.id);
      return r.length === 2 ? r : undefined;
    }, 60_000);
    expect(done.map((r) => [r.key, r.status]).sort()).toEqual([[key('step'), 'done'], [key('tell'), 'done']]);
    expect((await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).data.next_step).toBe('Follow up');
    // The webhook waits in a job of its own, with the same idempotency key, for its next try.
    const waiting = await eventually(async () => {
      const rows = (await sql<{ state: string; data: ActionJob; retry_limit: number }>`select state, data, retry_limit from ${jobs()} where name = ${QUEUES.actions} and data->'record'->>'id' = ${deal.id} and state < 'completed'`.execute(server.platform.database.db)).rows;
      return rows.length === 1 ? rows[0] : undefined;
    }, 60_000);
    expect(waiting?.data.actions.map((a) => a.key ?? `${waiting.data.historyId}:${a.id}`)).toEqual([key('hook')]);
    expect([waiting?.state, waiting?.data.priorAttempts, waiting?.retry_limit]).toEqual(['created', 1, 2]);
    const incidents = await expectJson<{ items: unknown[] }>(server.api('/api/incidents'), 200);
    expect(incidents.items).toEqual([]);
  }, 120_000);

  it('drains a backlog without waiting for the polling interval between batches', async () => {
    await server.platform.processes.stopWorkers();
    const deal = await createDeal(rep.api, { name: 'Backlog' });
    const n = 60;
    for (let i = 0; i < n; i++) {
      const job: ActionJob = { historyId: `backlog-${i}`, record: { id: deal.id, type: 'pipeline.deal' }, process: { id: 'job_flow', version: 1 }, transition: 'go', from: 'a', to: 'b', actor: 'system:test', at: new Date().toISOString(), actions: [{ id: 'tell', type: 'core.notify', config: { title: `Backlog ${i}` } }] };
      await server.platform.processes.queue.send(QUEUES.actions, job);
    }
    // Workers poll once when they start, then every hour: the 60 jobs (several batches) are
    // done only if a worker with a full batch fetches again without waiting.
    await server.platform.processes.startWorkers(1);
    await eventually(async () => (await runs(deal.id)).length === n, 120_000, 200);
    const notified = await server.platform.database.db.selectFrom('notifications').select('title').where('title', 'like', 'Backlog %').execute();
    expect(notified).toHaveLength(n);
  }, 180_000);
});

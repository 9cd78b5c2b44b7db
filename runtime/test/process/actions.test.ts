import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/jobs/queue';
import { sql } from 'kysely';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { eventually, expectJson, legacyDeal, move, publish, type View } from './helpers';

process.env.PIPEWRIGHT_JOB_RETRY_LIMIT = '2';
process.env.PIPEWRIGHT_JOB_RETRY_DELAY_SECONDS = '1';
process.env.PIPEWRIGHT_JOB_POLL_SECONDS = '0.5';
process.env.PIPEWRIGHT_WEBHOOK_SECRET_TEST = 'whsec-test-secret';

const FIXTURES = fileURLToPath(new URL('../fixtures/acme-plugins', import.meta.url));

interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe.each(backends())('process actions on the job queue on $name', (backend) => {
  let server: TestServer;
  let hooks: Server;
  let hookUrl: string;
  let rep: Client;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/ok') deliveries.push({ headers: req.headers, body });
        res.statusCode = req.url === '/ok' ? 204 : 500;
        res.end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    // The receiver runs on loopback, which webhooks may only reach when allowed.
    server = await startServer(backend, { PIPEWRIGHT_PLUGINS: FIXTURES, PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' });
    rep = server.as('rep');
    await server.seedOrg();
    const definition = {
      id: 'actions_test',
      label: 'Actions test',
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
          id: 'advance',
          from: 'a',
          to: 'b',
          actions: [
            { id: 'step', type: 'core.set_field', config: { field: 'next_step', value: 'Send the proposal' } },
            { id: 'call', type: 'core.create_activity', config: { kind: 'call', subject: 'Call about {{name}}', dueInDays: 2 } },
            { id: 'tell', type: 'core.notify', config: { to: { role: 'manager' }, title: { en: 'Moved: {{name}}', 'zh-CN': '已推进：{{name}}' }, body: 'Owner moved it.' } },
            { id: 'hook', type: 'core.webhook', config: { url: `${hookUrl}/ok`, secretEnv: 'PIPEWRIGHT_WEBHOOK_SECRET_TEST', event: 'deal.advanced' } },
            { id: 'territory', type: 'acme_territory.assign', config: { territory: 'north' } },
          ],
        },
        {
          id: 'win',
          from: 'b',
          to: 'won',
          actions: [
            { id: 'broken_hook', type: 'core.webhook', config: { url: `${hookUrl}/fail`, secretEnv: 'PIPEWRIGHT_WEBHOOK_SECRET_TEST' } },
            { id: 'after', type: 'core.set_field', config: { field: 'notes', value: 'won' } },
          ],
        },
        {
          id: 'leak',
          from: 'a',
          to: 'won',
          actions: [
            { id: 'metadata_hook', type: 'core.webhook', config: { url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', secretEnv: 'PIPEWRIGHT_WEBHOOK_SECRET_TEST' } },
            { id: 'private_hook', type: 'core.webhook', config: { url: `http://[::ffff:10.0.0.1]:${new URL(hookUrl).port}/ok`, secretEnv: 'PIPEWRIGHT_WEBHOOK_SECRET_TEST' } },
            { id: 'after', type: 'core.set_field', config: { field: 'notes', value: 'leak refused' } },
          ],
        },
        { id: 'lose', from: '*', to: 'lost' },
      ],
    };
    await expectJson(server.api('/api/processes', { method: 'POST', json: definition }), 201);
    await publish(server.api, 'actions_test');
    await server.platform.processes.startWorkers(1);
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((r) => hooks.close(r));
  });

  const runs = (historyId: string) => server.platform.database.db.selectFrom('action_runs').selectAll().where('key', 'like', `${historyId}:%`).execute();

  it('runs built-in and plugin actions after commit, each once, and re-deliveries change nothing', async () => {
    const deal = await legacyDeal(server, { name: 'Globex' });
    await expectJson(move(rep.api, deal.id, 1, { to: 'a', process: 'actions_test' }), 200);
    const moved = await expectJson<{ transition: { historyId: string } }>(move(rep.api, deal.id, 2, { to: 'b' }), 200);
    const id = moved.transition.historyId;
    const done = await eventually(async () => ((await runs(id)).length === 5 ? runs(id) : undefined));
    expect(done.every((r) => r.status === 'done')).toBe(true);
    expect(done.find((r) => r.action_type === 'acme_territory.assign')?.result).toEqual({ assigned: 'north' });
    const record = await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200);
    expect(record.data.next_step).toBe('Send the proposal');
    expect(record.version).toBe(4);
    const activities = await expectJson<{ items: View[] }>(rep.api(`/api/records/crm.activity?filter[deal_id]=${deal.id}`), 200);
    expect(activities.items).toHaveLength(1);
    expect(activities.items[0]).toMatchObject({ owner: rep.userId, data: { kind: 'call', subject: 'Call about Globex', done: false } });
    const notes = await expectJson<{ items: { title: string; kind: string }[] }>(server.as('manager').api('/api/notifications'), 200);
    expect(notes.items.filter((n) => n.title === 'Moved: Globex')).toHaveLength(1);
    const zh = await expectJson<{ items: { title: string; body: string | null }[] }>(server.as('manager').api('/api/notifications', { headers: { 'accept-language': 'zh-CN' } }), 200);
    expect(zh.items.filter((n) => n.title === '已推进：Globex' && n.body === 'Owner moved it.')).toHaveLength(1);
    expect(deliveries).toHaveLength(1);
    const d = deliveries[0] as Delivery;
    const expected = createHmac('sha256', 'whsec-test-secret').update(`${String(d.headers['webhook-id'])}.${String(d.headers['webhook-timestamp'])}.${d.body}`).digest('base64');
    expect(d.headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(JSON.parse(d.body)).toMatchObject({ event: 'deal.advanced', transition: { process: 'actions_test', from: 'a', to: 'b' }, record: { id: deal.id } });

    // At-least-once delivery: the same job delivered twice more changes nothing.
    const jobs = await sql<{ data: { historyId: string; actions: unknown[] } }>`select data from ${sql.table(`${server.platform.processes.queue.schema}.job`)} where name = ${QUEUES.actions} and data->>'historyId' = ${id}`.execute(server.platform.database.db);
    expect(jobs.rows).toHaveLength(1);
    const stored = jobs.rows[0]?.data;
    expect(stored?.actions).toHaveLength(5);
    await server.platform.processes.queue.send(QUEUES.actions, stored as object);
    await server.platform.processes.queue.send(QUEUES.actions, stored as object);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await runs(id)).toHaveLength(5);
    expect(deliveries).toHaveLength(1);
    expect((await expectJson<{ items: View[] }>(rep.api(`/api/records/crm.activity?filter[deal_id]=${deal.id}`), 200)).items).toHaveLength(1);
    expect((await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).version).toBe(4);
  });

  it('retries a failing webhook with backoff, then records an incident and still runs the later actions', async () => {
    const deal = await legacyDeal(server, { name: 'Initech' });
    await expectJson(move(rep.api, deal.id, 1, { to: 'a', process: 'actions_test' }), 200);
    await expectJson(move(rep.api, deal.id, 2, { to: 'b' }), 200);
    // The advance actions bump the version (set_field) before the next move.
    await eventually(async () => (await expectJson<View>(rep.api(`/api/records/pipeline.deal/${deal.id}`), 200)).version === 4);
    const won = await expectJson<{ transition: { historyId: string } }>(move(rep.api, deal.id, 4, { to: 'won' }), 200);
    const id = won.transition.historyId;
    const finished = await eventually(async () => ((await runs(id)).length === 2 ? runs(id) : undefined), 30_000);
    expect(finished.find((r) => r.action_type === 'core.webhook')).toMatchObject({ status: 'failed', attempts: 3 });
    expect(finished.find((r) => r.action_type === 'core.set_field')?.status).toBe('done');
    const incidents = await expectJson<{ items: { kind: string; record: string; message: string }[] }>(server.api('/api/incidents'), 200);
    expect(incidents.items.filter((i) => i.record === deal.id)).toEqual([expect.objectContaining({ kind: 'webhook-failed', message: expect.stringContaining('HTTP 500') })]);
    expect((await rep.api('/api/incidents')).status).toBe(403);
  });

  it('refuses a webhook to a non-public address at once: an incident without retries, and the later actions still run', async () => {
    const deal = await legacyDeal(server, { name: 'Umbrella' });
    await expectJson(move(rep.api, deal.id, 1, { to: 'a', process: 'actions_test' }), 200);
    const before = deliveries.length;
    const moved = await expectJson<{ transition: { historyId: string } }>(move(rep.api, deal.id, 2, { to: 'won' }), 200);
    const id = moved.transition.historyId;
    const finished = await eventually(async () => ((await runs(id)).length === 3 ? runs(id) : undefined));
    const byKey = Object.fromEntries(finished.map((r) => [r.key.slice(id.length + 1), r]));
    expect(byKey.metadata_hook).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringContaining('169.254.169.254 (linkLocal)') });
    expect(byKey.private_hook).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringContaining('(private)') });
    expect(byKey.after?.status).toBe('done');
    // One attempt of the job, which completed: pg-boss retried nothing. The runs are written
    // before the handler returns, so the job may still be active for a moment: wait for it to
    // leave that state, then it must be completed at the first try.
    const jobs = async () => (await sql<{ state: string; retry_count: number }>`select state, retry_count from ${sql.table(`${server.platform.processes.queue.schema}.job`)} where name = ${QUEUES.actions} and data->>'historyId' = ${id}`.execute(server.platform.database.db)).rows;
    const job = await eventually(async () => {
      const rows = await jobs();
      return rows.some((r) => r.state === 'active' || r.state === 'created') ? undefined : rows;
    });
    expect(job).toEqual([{ state: 'completed', retry_count: 0 }]);
    const incidents = await expectJson<{ items: { kind: string; record: string; message: string }[] }>(server.api('/api/incidents'), 200);
    const mine = incidents.items.filter((i) => i.record === deal.id);
    expect(mine).toHaveLength(2);
    expect(mine.every((i) => i.kind === 'webhook-failed' && i.message.includes('PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE'))).toBe(true);
    expect(deliveries.length).toBe(before);
  });
});

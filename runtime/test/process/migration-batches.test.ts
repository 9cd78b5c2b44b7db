import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from '../harness';
import { createDeal, expectJson, publish, type Problem } from './helpers';

interface Report {
  counts: { migrate: number; unmapped: number; invalid: number };
  moved: number;
  remaining: number;
}

const PROCESS = {
  id: 'batched',
  label: 'Batched',
  entity: 'pipeline.deal',
  initialStage: 'a',
  stages: [{ id: 'a', label: 'A', kind: 'open' }, { id: 'won', label: 'Won', kind: 'won', probability: 1 }, { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 }],
  transitions: [{ id: 'win', from: 'a', to: 'won' }, { id: 'lose', from: '*', to: 'lost' }],
};

/** Publishing offers the migration; the studio applies it in batches (`limit`), with progress from `moved` and `remaining`. */
describe.each(backends())('migrating in batches on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(() => server?.close());

  it('moves at most `limit` records per call and reports how many remain, until none do', async () => {
    await expectJson(server.api('/api/processes', { method: 'POST', json: PROCESS }), 201);
    await publish(server.api, 'batched');
    for (let i = 0; i < 5; i++) await createDeal(server.api, { name: `Batch ${i}` }, { process: 'batched' });
    const detail = await expectJson<{ draftRevision: number }>(server.api('/api/processes/batched'), 200);
    const v2 = { ...PROCESS, stages: [PROCESS.stages[0], { id: 'b', label: 'B', kind: 'open' }, ...PROCESS.stages.slice(1)], transitions: [...PROCESS.transitions, { id: 'next', from: 'a', to: 'b' }, { id: 'win_b', from: 'b', to: 'won' }] };
    await expectJson(server.api('/api/processes/batched', { method: 'PUT', headers: { 'if-match': `"${detail.draftRevision}"` }, json: v2 }), 200);
    expect(await publish(server.api, 'batched')).toBe(2);
    const run = (body: Record<string, unknown>) => expectJson<Report>(server.api('/api/processes/batched/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 2, dryRun: false, ...body } }), 201);
    expect(await run({ limit: 2 })).toMatchObject({ moved: 2, remaining: 3, counts: { migrate: 5 } });
    expect(await run({ limit: 2 })).toMatchObject({ moved: 2, remaining: 1 });
    expect(await run({ limit: 2 })).toMatchObject({ moved: 1, remaining: 0 });
    expect(await run({ limit: 2 })).toMatchObject({ moved: 0, remaining: 0, counts: { migrate: 0 } });
    const onV2 = await expectJson<{ total: number }>(server.api('/api/records/pipeline.deal?filter[process]=batched&filter[stage]=a&total=true'), 200);
    expect(onV2.total).toBe(5);
    for (const limit of [0, -1, 'x', 1.5]) {
      const p = await expectJson<Problem & { errors: { pointer: string }[] }>(server.api('/api/processes/batched/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 2, dryRun: false, limit } }), 422);
      expect([p.code, p.errors.map((d) => d.pointer)]).toEqual(['body.invalid', ['/limit']]);
    }
  });
});

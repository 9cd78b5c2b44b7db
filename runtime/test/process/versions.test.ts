import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { expectJson, legacyDeal, move, publish, type Problem, type View } from './helpers';

interface Fate {
  id: string;
  fromStage: string | null;
  toStage: string | null;
  status: string;
  problems: { pointer: string }[];
}
interface Report {
  dryRun: boolean;
  counts: { migrate: number; unmapped: number; invalid: number };
  moved: number;
  records: Fate[];
}

const v1 = {
  id: 'versioned',
  label: 'Versioned',
  entity: 'pipeline.deal',
  initialStage: 'lead',
  stages: [
    { id: 'lead', label: 'Lead', kind: 'open' },
    { id: 'qualified', label: 'Qualified', kind: 'open' },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'qualify', from: 'lead', to: 'qualified' },
    { id: 'win', from: 'qualified', to: 'won' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
};
const v2 = {
  ...v1,
  stages: [
    { id: 'lead', label: 'Lead', kind: 'open' },
    { id: 'engaged', label: 'Engaged', kind: 'open', requirements: { type: 'object', required: ['next_step'], properties: { next_step: { type: 'string', minLength: 1 } } } },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
    { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'engage', from: 'lead', to: 'engaged' },
    { id: 'win', from: 'engaged', to: 'won' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
};

describe.each(backends())('process versions and migrations on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  const versionOf = async (id: string) => (await server.platform.database.db.selectFrom('records').select(['process_version', 'stage', 'version']).where('id', '=', id).executeTakeFirstOrThrow());
  const enter = async (name: string) => {
    const d = await legacyDeal(server, { name });
    await expectJson(move(rep.api, d.id, 1, { to: 'lead', process: 'versioned' }), 200);
    return d.id;
  };

  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    await expectJson(server.api('/api/processes', { method: 'POST', json: v1 }), 201);
    await publish(server.api, 'versioned');
  });
  afterAll(() => server?.close());

  it('keeps records on the version they started on, and moves them with a dry-run-first migration that reports invalid ones', async () => {
    const a = await enter('A');
    await expectJson(move(rep.api, a, 2, { to: 'qualified' }), 200);
    const b = await enter('B');
    await expectJson(server.api('/api/processes/versioned', { method: 'PUT', headers: { 'if-match': '"1"' }, json: v2 }), 200);
    expect(await publish(server.api, 'versioned')).toBe(2);
    const c = await enter('C');
    expect((await versionOf(a)).process_version).toBe(1);
    expect((await versionOf(b)).process_version).toBe(1);
    expect((await versionOf(c)).process_version).toBe(2);
    // B still follows version 1, which has no stage 'engaged'.
    expect((await expectJson<Problem>(move(rep.api, b, 2, { to: 'engaged' }), 422)).code).toBe('process.unknown-stage');

    const unmapped = await expectJson<Report>(server.api('/api/processes/versioned/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 2 } }), 200);
    expect(unmapped).toMatchObject({ dryRun: true, counts: { migrate: 1, unmapped: 1, invalid: 0 }, moved: 0 });
    expect(unmapped.records.find((f) => f.id === a)).toMatchObject({ status: 'unmapped', fromStage: 'qualified', toStage: null });

    const dry = await expectJson<Report>(server.api('/api/processes/versioned/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 2, stageMapping: { qualified: 'engaged' }, dryRun: true } }), 200);
    expect(dry.counts).toEqual({ migrate: 1, unmapped: 0, invalid: 1 });
    expect(dry.records.find((f) => f.id === a)).toMatchObject({ status: 'invalid', toStage: 'engaged', problems: [{ pointer: '/data/next_step' }] });
    expect(dry.records.find((f) => f.id === b)).toMatchObject({ status: 'migrate', fromStage: 'lead', toStage: 'lead' });
    expect((await versionOf(b)).process_version).toBe(1);

    const real = await expectJson<Report>(server.api('/api/processes/versioned/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 2, stageMapping: { qualified: 'engaged' }, dryRun: false } }), 201);
    expect(real).toMatchObject({ dryRun: false, moved: 1, counts: { migrate: 1, invalid: 1 } });
    expect(await versionOf(a)).toMatchObject({ process_version: 1, stage: 'qualified', version: 3 });
    expect(await versionOf(b)).toMatchObject({ process_version: 2, stage: 'lead', version: 3 });

    const current = await expectJson<View>(rep.api(`/api/records/pipeline.deal/${a}`), 200);
    await expectJson(rep.api(`/api/records/pipeline.deal/${a}`, { method: 'PATCH', headers: { 'if-match': `"${current.version}"` }, json: { data: { next_step: 'Demo on Friday' } } }), 200);
    const rest = await expectJson<Report>(server.api('/api/processes/versioned/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 2, stageMapping: { qualified: 'engaged' }, dryRun: false } }), 201);
    expect(rest).toMatchObject({ moved: 1, counts: { migrate: 1, invalid: 0, unmapped: 0 } });
    expect(await versionOf(a)).toMatchObject({ process_version: 2, stage: 'engaged' });
    const history = await expectJson<{ items: { stage: string; version: number; exitedAt: string | null }[] }>(rep.api(`/api/deals/${a}/history`), 200);
    expect(history.items.map((h) => [h.stage, h.version, h.exitedAt === null])).toEqual([['lead', 1, false], ['qualified', 1, false], ['engaged', 2, true]]);
    const events = await expectJson<{ items: { action: string; meta: Record<string, unknown> | null }[] }>(rep.api(`/api/records/pipeline.deal/${a}/events`), 200);
    expect(events.items.at(-1)).toMatchObject({ action: 'process.migrate', meta: { fromVersion: 1, toVersion: 2, fromStage: 'qualified', toStage: 'engaged' } });
    await expectJson(move(rep.api, a, (await versionOf(a)).version, { to: 'won' }), 200);
  });

  it('refuses a mapping naming stages that do not exist, and non-admins', async () => {
    const p = await expectJson<Problem>(server.api('/api/processes/versioned/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 2, stageMapping: { ghost: 'engaged', lead: 'nowhere' } } }), 422);
    expect(p.errors?.map((e) => e.pointer)).toEqual(['/stageMapping/ghost', '/stageMapping/lead']);
    expect((await server.api('/api/processes/versioned/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 9 } })).status).toBe(404);
    const bad = await expectJson<Problem & { errors: { pointer: string }[] }>(server.api('/api/processes/versioned/migrations', { method: 'POST', json: { fromVersion: 'one', toVersion: 2 } }), 422);
    expect(bad.errors.map((d) => d.pointer)).toEqual(['/fromVersion']);
    expect((await rep.api('/api/processes/versioned/migrations', { method: 'POST', json: { fromVersion: 1, toVersion: 2 } })).status).toBe(403);
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { dropSchema } from '../src/db/database';
import { createPlatform, type Platform } from '../src/platform';

/**
 * Runtimes started at the same moment on one empty PostgreSQL database (a deployment's first
 * start, and the cluster test's): everything a start creates (migrations, entity indexes,
 * statistics, pg-boss's queues, plugin queues, plugin documents, dashboards) must be created
 * once, with no process failing. pg-boss 10's `createQueue` deadlocked when two processes
 * created the same queue at once; CI saw it as "server exited with 1: deadlock detected".
 */
const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('runtimes starting together on an empty PostgreSQL schema', () => {
  const schemas: string[] = [];
  const open: Platform[] = [];
  afterAll(async () => {
    await Promise.all(open.map((p) => p.close()));
    for (const s of schemas) await dropSchema(url as string, s);
  });

  const startTogether = async (n: number) => {
    const schema = `t_start_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    const config = loadConfig({ DATABASE_URL: url as string, PIPEWRIGHT_DB_POOL: '4', PIPEWRIGHT_DEMO: 'false' });
    const started = await Promise.allSettled(Array.from({ length: n }, () => createPlatform(config, { schema, log: () => {} })));
    for (const s of started) if (s.status === 'fulfilled') open.push(s.value);
    return { schema, started };
  };

  it('four starts at once, three times: every one starts, the migrations ran once, each queue exists once', async () => {
    for (let round = 0; round < 3; round++) {
      const { started } = await startTogether(4);
      const failures = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
      expect(failures, `round ${round + 1}`).toEqual([]);
      const platforms = started.map((s) => (s as PromiseFulfilledResult<Platform>).value);
      expect(platforms.filter((p) => p.database.migrated.length > 0)).toHaveLength(1);
      const queues = (await platforms[0]?.processes.queue.boss.getQueues())?.map((q) => q.name) ?? [];
      expect(queues.length).toBeGreaterThanOrEqual(3);
      expect(new Set(queues).size).toBe(queues.length);
    }
  }, 180_000);

  it('ensureQueues from four processes at once creates each new queue exactly once', async () => {
    const { started } = await startTogether(4);
    const platforms = started.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
    const names = Array.from({ length: 12 }, (_, i) => `together_${i}`);
    const results = await Promise.allSettled(platforms.map((p) => p.processes.queue.ensureQueues(names.map((name, i) => ({ name, ...(i % 3 === 0 ? { policy: 'stately' as const } : {}) })))));
    expect(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual([]);
    const queues = await (platforms[0] as Platform).processes.queue.boss.getQueues();
    const made = queues.filter((q) => q.name.startsWith('together_'));
    expect(made.map((q) => q.name).sort()).toEqual([...names].sort());
    expect(made.filter((q) => q.policy === 'stately').map((q) => q.name).sort()).toEqual(names.filter((_, i) => i % 3 === 0).sort());
    // Every queue is usable: a job sent to it is there.
    for (const name of names) expect(await (platforms[1] as Platform).processes.queue.boss.send(name, { n: 1 })).toMatch(/^[0-9a-f-]{36}$/);
  }, 120_000);
});

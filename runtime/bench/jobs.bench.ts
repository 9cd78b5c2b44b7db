import { randomBytes } from 'node:crypto';
import { systemPrincipal } from '../src/auth/principal';
import { loadConfig } from '../src/config';
import { dropSchema } from '../src/db/database';
import { QUEUES } from '../src/jobs/queue';
import { createPlatform } from '../src/platform';
import type { ActionJob } from '../src/process/transition';
import { BENCH_PG_URL } from './bench-database';

/**
 * `npm run bench:jobs`: how fast a backlog of action jobs drains on an idle runtime, on PGlite
 * and on PostgreSQL. BENCH_JOBS jobs (default 1,000), each one `core.notify` action (a database
 * action: a transaction that claims its run, locks the record and writes a notification), are
 * enqueued while no worker runs; then the runtime's workers start (PIPEWRIGHT_WORKERS, default
 * 2, with the default queue settings) and the time until the last one is done is measured.
 * Last line: one JSON object with jobs per second per backend.
 */
const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'pglite,postgres').split(',');

async function drain(backend: string): Promise<{ backend: string; jobs: number; seconds: number; jobsPerSecond: number }> {
  const schema = backend === 'postgres' ? `bench_jobs_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({ PIPEWRIGHT_DATA_DIR: 'memory', PIPEWRIGHT_DEMO: 'false', ...(backend === 'postgres' ? { DATABASE_URL: BENCH_PG_URL } : {}) });
  const platform = await createPlatform(config, schema ? { schema } : {});
  try {
    const deal = await platform.store.create('pipeline.deal', { data: { name: 'Backlog' } }, systemPrincipal('bench'));
    for (let i = 0; i < JOBS; i++) {
      const job: ActionJob = { historyId: `bench-${i}`, record: { id: deal.id, type: 'pipeline.deal' }, process: { id: 'bench', version: 1 }, transition: 'go', from: 'a', to: 'b', actor: 'system:bench', at: new Date().toISOString(), actions: [{ id: 'tell', type: 'core.notify', config: { title: `Job ${i}` } }] };
      await platform.processes.queue.send(QUEUES.actions, job);
    }
    const db = platform.database.db;
    const done = async () => Number((await db.selectFrom('action_runs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const started = performance.now();
    await platform.processes.startWorkers();
    let n = 0;
    let last = -1;
    while ((n = await done()) < JOBS) {
      if (n !== last && n % 100 < 10) process.stdout.write(`\r${backend}: ${n}/${JOBS}`);
      last = n;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write('\n');
    return { backend, jobs: JOBS, seconds: Math.round(seconds * 100) / 100, jobsPerSecond: Math.round((JOBS / seconds) * 10) / 10 };
  } finally {
    await platform.close();
    if (schema) await dropSchema(BENCH_PG_URL, schema);
  }
}

const results = [];
for (const backend of BACKENDS) {
  const r = await drain(backend);
  console.log(`${r.backend}: ${r.jobs} jobs drained in ${r.seconds} s = ${r.jobsPerSecond} jobs/s`);
  results.push(r);
}
console.log(JSON.stringify({ bench: 'jobs', results }));

import { parseArgs } from 'node:util';
import { backends, startServer } from '../harness';
import { fuzz, FUZZ_ENV } from './fuzzer';
import { operationsOf, type OpenApiDocument } from './spec';

/**
 * `npm run fuzz -- [--count 20000] [--seed N] [--backend pglite|postgres] [--only REGEX] [--shrink]`:
 * fuzzes every operation of `/openapi.json` on each backend (PostgreSQL when `TEST_DATABASE_URL`
 * is set) with about `count` requests per backend, prints every finding with the seed and the
 * fast-check path that replay it, and a JSON summary as the last line. Exits 1 on a finding.
 */
const { values } = parseArgs({ options: { count: { type: 'string', default: '20000' }, seed: { type: 'string' }, backend: { type: 'string' }, only: { type: 'string' }, shrink: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } } });
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const count = Number(values.count);
console.log(`fuzz: seed ${seed} (replay with --seed ${seed}), about ${count} requests per backend`);
const summary: Record<string, unknown>[] = [];
let failed = false;
for (const backend of backends().filter((b) => !values.backend || b.name === values.backend)) {
  const server = await startServer(backend, FUZZ_ENV);
  const started = Date.now();
  try {
    const ops = operationsOf((await (await server.anonymous('/openapi.json')).json()) as OpenApiDocument).length;
    const perOperation = Math.max(1, Math.ceil(count / ops));
    const result = await fuzz(server, { perOperation, seed, shrink: values.shrink, ...(values.only ? { only: new RegExp(values.only) } : {}), ...(values.verbose ? { log: (l: string) => console.log(`  ${l}`) } : {}) });
    for (const f of result.findings) {
      failed = true;
      console.log(`\n[${backend.name}] ${f.rule}: ${f.operation} answered ${f.status} (replay: --seed ${seed} --only '^${f.operation}$'${f.path ? `, fast-check path ${f.path}` : ''})`);
      console.log(`  request: ${JSON.stringify(f.request).slice(0, 1500)}`);
      console.log(`  response: ${f.response}`);
    }
    const errors = server.logs.filter((l) => / failed: /.test(l));
    for (const line of errors.slice(0, 10)) console.log(`  server log: ${line.split('\n').slice(0, 6).join(' | ')}`);
    const seconds = (Date.now() - started) / 1000;
    console.log(`[${backend.name}] ${result.requests} requests over ${result.operations} operations in ${seconds.toFixed(0)} s, ${result.findings.length} finding(s); statuses ${JSON.stringify(result.byStatus)}`);
    summary.push({ backend: backend.name, seed, requests: result.requests, operations: result.operations, findings: result.findings.length, status5xx: Object.entries(result.byStatus).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0), byStatus: result.byStatus, seconds });
  } finally {
    await server.close();
  }
}
console.log(JSON.stringify({ fuzz: summary }));
process.exit(failed ? 1 : 0);

/**
 * Import time of 1,000 accounts, in bulk without hooks (as before ADR 023's import addendum, and
 * as the demo seed still does) against row by row through the record hooks (crm's duplicate check
 * and grading), on PGlite and, with TEST_DATABASE_URL, PostgreSQL. Prints one JSON line per run.
 *
 *   TEST_DATABASE_URL=postgres://... node --import tsx plugins/crm/bench/import.bench.ts [rows]
 */
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { importCsv } from '../../../runtime/src/import/importer';
import { backends, startServer } from '../../../runtime/test/harness';

const ROWS = Number(process.argv[2] ?? 1000);
const letters = 'abcdefghijklmnopqrstuvwxyz';
let seed = 42;
// xorshift32: distinct, reproducible names.
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const word = (n: number) => Array.from({ length: n }, () => letters[Math.floor(rand() * 26)]).join('');
const csvOf = (n: number) => ['Company,Employees', ...Array.from({ length: n }, () => `${word(5)} ${word(6)} ${word(4)},${Math.floor(rand() * 6000)}`)].join('\n');
const mapping = { entity: 'crm.account', fields: { name: 'Company', employees: 'Employees', status: { default: 'active' } } };

for (const backend of process.env.BENCH_BACKEND ? backends().filter((b) => b.name === process.env.BENCH_BACKEND) : backends()) {
  const server = await startServer(backend);
  await server.seedOrg();
  const principal = systemPrincipal('bench');
  const store = server.platform.store;
  for (const hooks of [false, true]) {
    const started = performance.now();
    const report = await importCsv(server.platform.database.db, server.platform.registry, csvOf(ROWS), mapping, { actor: principal, ...(hooks ? { hooks: { hooks: store.hooks, principal } } : {}) });
    const ms = performance.now() - started;
    if (process.env.BENCH_DEBUG) console.error(JSON.stringify(report.problems.slice(0, 3)));
    console.log(JSON.stringify({ bench: 'import', backend: backend.name, rows: ROWS, hooks, imported: report.importedRows, rejected: report.rejectedRows, ms: Math.round(ms), ms_per_row: Math.round((ms / ROWS) * 100) / 100 }));
  }
  await server.close();
}

import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { isPipewrightError } from '@pipewright/core';
import { loadConfig } from '../config';
import { importCsv } from '../import/importer';
import { createPlatform } from '../platform';
import { systemPrincipal } from '../auth/principal';

/**
 * `pipewright import --entity acme.site --file accounts.csv --mapping accounts.mapping.json`
 * Prints progress to stderr and the report summary to stdout; exit code 0 when every row was
 * imported, 3 when rows were rejected, 2 on bad usage.
 *
 * @example
 * ```sh
 * npm run cli -- import --entity acme.part --file products.csv --mapping products.mapping.json
 * ```
 */
export async function importCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      entity: { type: 'string' },
      file: { type: 'string' },
      mapping: { type: 'string' },
      'skip-bad-rows': { type: 'boolean', default: false },
      report: { type: 'string' },
    },
    strict: true,
  });
  if (!values.file || !values.mapping) {
    console.error('Usage: pipewright import --file <csv> --mapping <json> [--entity <type>] [--skip-bad-rows] [--report <file>]');
    return 2;
  }
  const mapping = JSON.parse(readFileSync(values.mapping, 'utf8')) as Record<string, unknown>;
  if (values.entity) mapping.entity = values.entity;
  if (values['skip-bad-rows']) mapping.onError = 'skip';
  const csv = readFileSync(values.file, 'utf8');
  const platform = await createPlatform(loadConfig(process.env), { log: (l) => console.error(l) });
  try {
    const report = await importCsv(platform.database.db, platform.registry, csv, mapping, {
      actor: { id: 'system:cli' },
      fileName: basename(values.file),
      stages: { definitions: platform.processes.definitions },
      hooks: { hooks: platform.store.hooks, principal: systemPrincipal('cli') },
      onProgress: (done, total) => process.stderr.write(`\rimporting ${done}/${total} rows`),
    });
    process.stderr.write('\n');
    if (values.report) writeFileSync(values.report, JSON.stringify(report, null, 2));
    console.log(`${report.status}: ${report.importedRows} imported, ${report.rejectedRows} rejected of ${report.totalRows} rows (import ${report.importId})`);
    for (const n of report.notes) console.log(`  note: ${n.rows} rows: ${n.message}`);
    for (const p of report.problems.slice(0, 50)) console.log(`  row ${p.row}${p.column ? ` [${p.column}]` : ''}: ${p.reason}`);
    if (report.problems.length > 50) console.log(`  ... ${report.problems.length - 50} more problems${values.report ? ` in ${values.report}` : ' (use --report <file>)'}`);
    return report.rejectedRows > 0 ? 3 : 0;
  } catch (err) {
    if (!isPipewrightError(err)) throw err;
    console.error(`${err.message}${err.details.length ? '\n' + err.details.map((d) => `  ${d.pointer || d.parameter || ''} ${d.message}`).join('\n') : ''}`);
    return 2;
  } finally {
    await platform.close();
  }
}

import type { MigrationReport } from '../../api/processes';

/** How many records go from one stage to another, or why they stay. */
export interface MappingRow {
  from: string | null;
  to: string | null;
  status: 'migrate' | 'unmapped' | 'invalid';
  count: number;
}

/**
 * Groups a migration dry run by stage mapping: how many records move from each stage to which,
 * and how many stay behind (no stage to go to, or the target's entry requirements unmet).
 *
 * @example
 * ```ts
 * mappingRows(report); // [{ from: 'qualified', to: 'engaging', status: 'migrate', count: 12 }, ...]
 * ```
 */
export function mappingRows(report: Pick<MigrationReport, 'records'>): MappingRow[] {
  const rows = new Map<string, MappingRow>();
  for (const r of report.records) {
    const key = `${r.status}|${r.fromStage ?? ''}|${r.toStage ?? ''}`;
    const row = rows.get(key) ?? { from: r.fromStage, to: r.toStage, status: r.status, count: 0 };
    row.count++;
    rows.set(key, row);
  }
  const order = { migrate: 0, invalid: 1, unmapped: 2 };
  return [...rows.values()].sort((a, b) => order[a.status] - order[b.status] || b.count - a.count);
}

/** Stages of the old version whose records have nowhere to go (the admin maps them). */
export function unmappedStages(report: Pick<MigrationReport, 'records'>): string[] {
  return [...new Set(report.records.filter((r) => r.status === 'unmapped' && r.fromStage !== null).map((r) => r.fromStage as string))];
}

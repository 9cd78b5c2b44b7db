import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../../../runtime/demo/crm-sales-opportunities/', import.meta.url));

/** A row of sales_pipeline.csv, as written. */
export interface CsvDeal {
  agent: string;
  stage: string;
  closeDate: string;
  closeValue: number;
}

function rows(file: string): string[][] {
  // the files have no quoted fields (checked: no '"' in either)
  return readFileSync(DIR + file, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
}

/**
 * The demo data read straight from the CSV files with plain string splitting, for checking the
 * numbers the studio shows independently of the platform's importer and metric layer.
 *
 * @example
 * ```ts
 * const { deals, teams } = readDemoCsv();
 * ```
 */
export function readDemoCsv(): { deals: CsvDeal[]; teams: { agent: string; manager: string; office: string }[] } {
  const deals = rows('sales_pipeline.csv').map(([, agent = '', , , stage = '', , closeDate = '', closeValue = '']) => ({ agent, stage, closeDate, closeValue: closeValue === '' ? 0 : Number(closeValue) }));
  const teams = rows('sales_teams.csv').map(([agent = '', manager = '', office = '']) => ({ agent, manager, office }));
  return { deals, teams };
}

/** Won value (sum of close_value of Won deals) of some agents, optionally closed within [from, to]. */
export function wonValue(deals: readonly CsvDeal[], agents: ReadonlySet<string>, from?: string, to?: string): number {
  let sum = 0;
  for (const d of deals) {
    if (d.stage !== 'Won' || !agents.has(d.agent)) continue;
    if (from && d.closeDate < from) continue;
    if (to && d.closeDate > to) continue;
    sum += d.closeValue;
  }
  return sum;
}

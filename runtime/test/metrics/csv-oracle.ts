import { readFileSync } from 'node:fs';

/**
 * An independent reading of the real data set for metric tests: plain CSV parsing (the files
 * have no quoted fields) and arithmetic, no platform code.
 */
const DIR = '/work/shared/datasets/crm-sales-opportunities/';

function rows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(DIR + file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = (header as string).split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i] as string, v])));
}

export interface Opportunity {
  agent: string;
  manager: string;
  office: string;
  product: string;
  stage: 'Prospecting' | 'Engaging' | 'Won' | 'Lost';
  engage: string;
  close: string;
  value: number;
  listPrice: number;
}

const teams = new Map(rows('sales_teams.csv').map((r) => [r.sales_agent as string, r]));
const prices = new Map(rows('products.csv').map((r) => [r.product as string, Number(r.sales_price)]));

/** Every opportunity with its agent's manager and office and its product's list price. */
export const opportunities: Opportunity[] = rows('sales_pipeline.csv').map((r) => {
  const team = teams.get(r.sales_agent as string);
  if (!team) throw new Error(`no team for ${r.sales_agent}`);
  const product = r.product === 'GTXPro' ? 'GTX Pro' : (r.product as string);
  return {
    agent: r.sales_agent as string,
    manager: team.manager as string,
    office: team.regional_office as string,
    product,
    stage: r.deal_stage as Opportunity['stage'],
    engage: r.engage_date ?? '',
    close: r.close_date ?? '',
    value: r.close_value ? Number(r.close_value) : 0,
    listPrice: prices.get(product) ?? NaN,
  };
});

/** Sum of f over the opportunities, per key. */
export function sumBy(list: Opportunity[], key: (o: Opportunity) => string, f: (o: Opportunity) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of list) out.set(key(o), (out.get(key(o)) ?? 0) + f(o));
  return out;
}

/** Calendar quarter label of an ISO date: 2017-03-01 -> 2017-Q1. */
export const quarterOf = (date: string): string => `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;

/** Days between two ISO dates. */
export const daysBetween = (a: string, b: string): number => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

/** The median (mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

import { readFileSync } from 'node:fs';

/**
 * The churn rules (plugins/crm/churn.json) recomputed from the raw files by plain arithmetic, no
 * platform code: the data set's deals (sales_pipeline.csv) and the crm plugin's demo activities.
 */
export const DATA = new URL('../../../../shared/datasets/crm-sales-opportunities/', import.meta.url);
export const rules = JSON.parse(readFileSync(new URL('../churn.json', import.meta.url), 'utf8'));
export const [silent, falling, losses] = rules.signals as [
  { id: string; factor: number; minDays: number; minTouches: number },
  { id: string; windowDays: number; previousWindows: number; drop: number },
  { id: string; windowDays: number; minLosses: number; minShare: number },
];
export const drop = (rules.backtest.outcomes as { id: string; drop?: number; previousWindows?: number }[]).find((o) => o.id === 'won_value_drop') as { drop: number; previousWindows: number };

/** Days counted from 1970-01-01 UTC. */
export const day = (s: string) => Math.round(Date.parse(`${s.slice(0, 10)}T00:00:00Z`) / 86_400_000);
const csvDeals = readFileSync(new URL('sales_pipeline.csv', DATA), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => l.split(','))
  .map(([, , , account, stage, engage, close, value]) => ({ account: String(account), stage: String(stage), engage: engage ? day(engage) : null, close: close ? day(close) : null, value: Number(value || 0) }))
  .filter((d) => d.account !== '');
export const accountNames = readFileSync(new URL('accounts.csv', DATA), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => String(l.split(',')[0]));
const activities = (JSON.parse(readFileSync(new URL('../demo/activities.demo.json', import.meta.url), 'utf8')) as { rows: { account?: string; done?: boolean; occurred_at?: string }[] }).rows;

export function touches(account: string): number[] {
  const set = new Set<number>();
  for (const d of csvDeals) if (d.account === account) for (const t of [d.engage, d.close]) if (t !== null) set.add(t);
  for (const a of activities) if (a.account === account && a.done === true && a.occurred_at) set.add(day(a.occurred_at));
  return [...set].sort((x, y) => x - y);
}
export const won = (account: string, from: number, to: number) => csvDeals.filter((d) => d.account === account && d.stage === 'Won' && d.close !== null && d.close >= from && d.close < to).reduce((s, d) => s + d.value, 0);
export const count = (account: string, stage: string, from: number, to: number) => csvDeals.filter((d) => d.account === account && d.stage === stage && d.close !== null && d.close >= from && d.close < to).length;

export function signalsFromCsv(account: string, at: number): string[] {
  const out: string[] = [];
  const t = touches(account).filter((x) => x < at);
  if (t.length >= silent.minTouches) {
    const gaps = t.slice(1).map((x, i) => x - (t[i] as number)).sort((a, b) => a - b);
    const mid = Math.floor(gaps.length / 2);
    const rhythm = gaps.length % 2 ? (gaps[mid] as number) : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2;
    const since = at - (t[t.length - 1] as number);
    if (since >= silent.minDays && since > silent.factor * rhythm) out.push(silent.id);
  }
  const w = falling.windowDays;
  const previous = won(account, at - (1 + falling.previousWindows) * w, at - w) / falling.previousWindows;
  if (previous > 0 && won(account, at - w, at) < (1 - falling.drop) * previous) out.push(falling.id);
  const lost = count(account, 'Lost', at - losses.windowDays, at);
  const wonN = count(account, 'Won', at - losses.windowDays, at);
  if (lost >= losses.minLosses && lost / (lost + wonN) >= losses.minShare) out.push(losses.id);
  return out;
}


/** The crm plugin's demo accounts beside the data set's (demo/field-accounts.demo.json; no deals, no activities). */
export const fieldAccounts = (JSON.parse(readFileSync(new URL('../demo/field-accounts.demo.json', import.meta.url), 'utf8')) as { rows: { name: string }[] }).rows.map((r) => r.name);

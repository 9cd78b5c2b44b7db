import { ValidationError, type PluginRecord, type PluginRoute, type PluginServices } from '@pipewright/plugin-sdk';
import churnFile from '../../churn.json' with { type: 'json' };

const ACCOUNT = 'crm.account';
const ACTIVITY = 'crm.activity';
/** Deals, named by id: crm does not depend on pipeline (which depends on crm). */
const DEAL = 'pipeline.deal';
const DAY = 86_400_000;

type Text = { en: string; 'zh-CN': string };
export type ChurnSignal =
  | { id: string; kind: 'no_touch'; factor: number; minDays: number; minTouches: number; name: Text; label: Text }
  | { id: string; kind: 'falling_value'; windowDays: number; previousWindows: number; drop: number; name: Text; label: Text }
  | { id: string; kind: 'recent_losses'; windowDays: number; minLosses: number; minShare: number; name: Text; label: Text };
export type ChurnOutcome = { id: 'no_won_deal'; label: Text } | { id: 'won_value_drop'; drop: number; previousWindows: number; label: Text };
export interface ChurnRules {
  wonStages: string[];
  lostStages: string[];
  signals: ChurnSignal[];
  backtest: { outcomes: ChurnOutcome[] };
}

const fail = (pointer: string, message: string): never => {
  throw new ValidationError({ code: 'crm.churn-invalid', message: `churn.json ${pointer}: ${message}`, details: [{ pointer, message }] });
};
const num = (v: unknown, pointer: string, min: number, max: number): void => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(pointer, `must be a number from ${min} to ${max}`);
};
const text = (v: unknown, pointer: string): void => {
  const t = v as Partial<Text> | undefined;
  if (typeof t?.en !== 'string' || typeof t['zh-CN'] !== 'string') fail(pointer, 'needs "en" and "zh-CN" texts');
};

/**
 * Checks churn.json (rules as data) and answers it typed; a problem names the pointer into the
 * file. Called once at load.
 *
 * @example
 * ```ts
 * const rules = checkChurnRules(JSON.parse(readFileSync('churn.json', 'utf8')));
 * ```
 */
export function checkChurnRules(raw: unknown): ChurnRules {
  const r = raw as Partial<ChurnRules>;
  for (const key of ['wonStages', 'lostStages'] as const) if (!Array.isArray(r[key]) || r[key].some((s) => typeof s !== 'string')) fail(`/${key}`, 'must be a list of stage ids');
  if (!Array.isArray(r.signals) || r.signals.length === 0) fail('/signals', 'must be a non-empty list');
  const ids = new Set<string>();
  (r.signals as ChurnSignal[]).forEach((s, i) => {
    const p = `/signals/${i}`;
    if (typeof s.id !== 'string' || !/^[a-z][a-z0-9_]{0,40}$/.test(s.id) || ids.has(s.id)) fail(`${p}/id`, 'must be a unique snake_case id');
    ids.add(s.id);
    text(s.name, `${p}/name`);
    text(s.label, `${p}/label`);
    if (s.kind === 'no_touch') {
      num(s.factor, `${p}/factor`, 1, 100);
      num(s.minDays, `${p}/minDays`, 0, 3650);
      num(s.minTouches, `${p}/minTouches`, 2, 1000);
    } else if (s.kind === 'falling_value') {
      num(s.windowDays, `${p}/windowDays`, 1, 3650);
      num(s.previousWindows, `${p}/previousWindows`, 1, 20);
      num(s.drop, `${p}/drop`, 0.01, 1);
    } else if (s.kind === 'recent_losses') {
      num(s.windowDays, `${p}/windowDays`, 1, 3650);
      num(s.minLosses, `${p}/minLosses`, 1, 1000);
      num(s.minShare, `${p}/minShare`, 0, 1);
    } else fail(`${p}/kind`, 'must be no_touch, falling_value or recent_losses');
  });
  const outcomes = r.backtest?.outcomes;
  if (!Array.isArray(outcomes) || outcomes.length === 0) fail('/backtest/outcomes', 'must be a non-empty list');
  (outcomes as ChurnOutcome[]).forEach((o, i) => {
    text(o.label, `/backtest/outcomes/${i}/label`);
    if (o.id === 'won_value_drop') {
      num(o.drop, `/backtest/outcomes/${i}/drop`, 0.01, 1);
      num(o.previousWindows, `/backtest/outcomes/${i}/previousWindows`, 1, 20);
    } else if (o.id !== 'no_won_deal') fail(`/backtest/outcomes/${i}/id`, 'must be no_won_deal or won_value_drop');
  });
  return r as ChurnRules;
}

/** The churn rules of plugins/crm/churn.json, checked once. */
export const CHURN: ChurnRules = checkChurnRules(structuredClone(churnFile));

/** One account's own history, in days since 1970-01-01 (UTC). */
export interface AccountHistory {
  id: string;
  name: string;
  owner: string | null;
  /** Days with a touch: deal engaged, deal closed, completed activity (distinct, ascending). */
  touches: number[];
  deals: { kind: 'won' | 'lost' | 'open'; close: number | null; value: number }[];
}
export interface FiredSignal {
  id: string;
  values: Record<string, number>;
}

const dayOf = (v: unknown): number | null => {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const t = Date.parse(`${v.slice(0, 10)}T00:00:00Z`);
  return Number.isFinite(t) ? Math.round(t / DAY) : null;
};
/** A day number as YYYY-MM-DD. */
export const isoDay = (d: number): string => new Date(d * DAY).toISOString().slice(0, 10);
const round1 = (n: number) => Math.round(n * 10) / 10;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const wonIn = (h: AccountHistory, from: number, to: number) => h.deals.reduce((sum, d) => (d.kind === 'won' && d.close !== null && d.close >= from && d.close < to ? sum + d.value : sum), 0);
const countIn = (h: AccountHistory, kind: 'won' | 'lost', from: number, to: number) => h.deals.filter((d) => d.kind === kind && d.close !== null && d.close >= from && d.close < to).length;

/**
 * The signals that fire for one account at day `at`, from what happened before that day only.
 *
 * @example
 * ```ts
 * signalsAt(history, dayNumber('2017-10-01'), CHURN); // [{ id: 'recent_losses', values: { lost: 4, window: 90, share: 67 } }]
 * ```
 */
export function signalsAt(h: AccountHistory, at: number, rules: ChurnRules): FiredSignal[] {
  const out: FiredSignal[] = [];
  for (const s of rules.signals) {
    if (s.kind === 'no_touch') {
      const t = h.touches.filter((d) => d < at);
      if (t.length < s.minTouches) continue;
      const rhythm = median(t.slice(1).map((d, i) => d - (t[i] as number)));
      const days = at - (t.at(-1) as number);
      if (days >= s.minDays && days > s.factor * rhythm) out.push({ id: s.id, values: { days, rhythm: round1(rhythm), times: round1(days / rhythm) } });
    } else if (s.kind === 'falling_value') {
      const w = s.windowDays;
      const recent = wonIn(h, at - w, at);
      const previous = wonIn(h, at - (1 + s.previousWindows) * w, at - w) / s.previousWindows;
      if (previous > 0 && recent < (1 - s.drop) * previous) out.push({ id: s.id, values: { drop: Math.round((1 - recent / previous) * 100), window: w, previous: s.previousWindows } });
    } else {
      const lost = countIn(h, 'lost', at - s.windowDays, at);
      const won = countIn(h, 'won', at - s.windowDays, at);
      if (lost >= s.minLosses && lost / (lost + won) >= s.minShare) out.push({ id: s.id, values: { lost, window: s.windowDays, share: Math.round((lost / (lost + won)) * 100) } });
    }
  }
  return out;
}

/** All live records of a type the services' principal sees (pages of 200). */
async function all(s: PluginServices, type: string): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.records.list(type, { limit: 200, sort: 'createdAt', ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * Every account the principal sees with its own history: its deals (stage kind from the
 * rules' won and lost stages, close date, won value) and touches (deal engage and close dates,
 * completed activities).
 */
export async function accountHistories(s: PluginServices, rules: ChurnRules = CHURN): Promise<AccountHistory[]> {
  const accounts = await all(s, ACCOUNT);
  let deals: PluginRecord[] = [];
  try {
    deals = await all(s, DEAL);
  } catch {
    deals = []; // no pipeline plugin installed
  }
  const activities = await all(s, ACTIVITY);
  const by = new Map<string, AccountHistory & { touchSet: Set<number> }>(accounts.map((a) => [a.id, { id: a.id, name: String(a.data.name ?? ''), owner: a.owner, touches: [], deals: [], touchSet: new Set<number>() }]));
  const won = new Set(rules.wonStages);
  const lost = new Set(rules.lostStages);
  for (const d of deals) {
    const h = by.get(String(d.data.account_id));
    if (!h) continue;
    const kind = d.stage && won.has(d.stage) ? 'won' : d.stage && lost.has(d.stage) ? 'lost' : 'open';
    const close = dayOf(d.data.close_date);
    const engage = dayOf(d.data.engage_date);
    const value = (d.data.close_value as { amount?: unknown } | undefined)?.amount;
    h.deals.push({ kind, close, value: typeof value === 'number' ? value : 0 });
    if (engage !== null) h.touchSet.add(engage);
    if (close !== null) h.touchSet.add(close);
  }
  for (const a of activities) {
    const h = by.get(String(a.data.account_id));
    const at = dayOf(a.data.occurred_at);
    if (h && a.data.done === true && at !== null) h.touchSet.add(at);
  }
  return [...by.values()].map(({ touchSet, ...h }) => ({ ...h, touches: [...touchSet].sort((x, y) => x - y) }));
}

export interface OutcomeScore {
  id: string;
  positives: number;
  truePositives: number;
  /** Of the flagged accounts, the share with the outcome (null when none is flagged). */
  precision: number | null;
  /** Of all accounts, the share with the outcome. */
  baseRate: number;
  /** precision / baseRate (null when either is null or the base rate is 0). */
  lift: number | null;
  /** Of the accounts with the outcome, the share flagged (null when none has it). */
  recall: number | null;
}

/**
 * The backtest: signals taken at the start of the last full calendar quarter of the data (by
 * the latest close date), scored against what happened in that quarter, over the accounts with
 * history (a touch) before the cut.
 */
export function backtest(histories: AccountHistory[], rules: ChurnRules = CHURN) {
  const closes = histories.flatMap((h) => h.deals.map((d) => d.close).filter((c): c is number => c !== null));
  if (closes.length === 0) return null;
  const latest = new Date(Math.max(...closes) * DAY);
  const quarterStart = (y: number, q: number) => Math.round(Date.UTC(y, q * 3, 1) / DAY);
  let y = latest.getUTCFullYear();
  let q = Math.floor(latest.getUTCMonth() / 3);
  // The quarter of the latest close counts when the data reaches its last day.
  if (quarterStart(y, q + 1) - 1 > Math.max(...closes)) {
    q -= 1;
    if (q < 0) [y, q] = [y - 1, 3];
  }
  const cut = quarterStart(y, q);
  const end = quarterStart(y, q + 1);
  const horizon = end - cut;
  // Accounts with no history before the cut (new, or never touched) have nothing to predict from.
  const population = histories.filter((h) => h.touches.some((t) => t < cut));
  const flagged = population.map((h) => ({ h, signals: signalsAt(h, cut, rules) }));
  const isFlagged = new Set(flagged.filter((f) => f.signals.length > 0).map((f) => f.h.id));
  const outcomes: OutcomeScore[] = rules.backtest.outcomes.map((o) => {
    const positive = (h: AccountHistory) => {
      if (o.id === 'no_won_deal') return countIn(h, 'won', cut, end) === 0;
      const base = wonIn(h, cut - o.previousWindows * horizon, cut) / o.previousWindows;
      return base > 0 && wonIn(h, cut, end) < (1 - o.drop) * base;
    };
    const positives = population.filter(positive);
    const tp = positives.filter((h) => isFlagged.has(h.id)).length;
    const precision = isFlagged.size > 0 ? tp / isFlagged.size : null;
    const baseRate = population.length > 0 ? positives.length / population.length : 0;
    return { id: o.id, positives: positives.length, truePositives: tp, precision, baseRate, lift: precision !== null && baseRate > 0 ? precision / baseRate : null, recall: positives.length > 0 ? tp / positives.length : null };
  });
  const bySignal = Object.fromEntries(rules.signals.map((s) => [s.id, flagged.filter((f) => f.signals.some((x) => x.id === s.id)).length]));
  return { cut: isoDay(cut), end: isoDay(end - 1), accounts: population.length, withoutHistory: histories.length - population.length, flagged: isFlagged.size, bySignal, outcomes };
}

const TEXT = { type: 'object', required: ['en', 'zh-CN'], properties: { en: { type: 'string' }, 'zh-CN': { type: 'string' } } };
const RATIO = { type: ['number', 'null'] };

/** `GET /api/plugins/crm/at-risk`: flagged accounts at a date (default today) with reasons, and the backtest. */
export const atRiskRoute: PluginRoute = {
  method: 'get',
  path: '/at-risk',
  summary: 'Accounts at risk of churning (signals from churn.json over each account\'s own history), with the rules\' backtest',
  description: 'Flags the accounts the caller sees whose history fires a churn signal at `asOf` (default today): no touch relative to the usual rhythm, falling won value, recent losses. The backtest takes the signals at the start of the last full quarter of the data and scores them against that quarter (precision, base rate, lift, recall).',
  query: { asOf: { type: 'string', format: 'date', description: 'The day signals are taken at (YYYY-MM-DD); default today.' } },
  response: {
    type: 'object',
    required: ['asOf', 'rules', 'accounts', 'total', 'backtest'],
    properties: {
      asOf: { type: 'string' },
      rules: { type: 'object', required: ['signals', 'outcomes'], properties: { signals: { type: 'array', items: { type: 'object', required: ['id', 'kind', 'name', 'label'], properties: { id: { type: 'string' }, kind: { type: 'string' }, name: TEXT, label: TEXT } } }, outcomes: { type: 'array', items: { type: 'object', required: ['id', 'label'], properties: { id: { type: 'string' }, label: TEXT } } } } },
      accounts: { type: 'array', items: { type: 'object', required: ['id', 'name', 'owner', 'risk', 'signals'], properties: { id: { type: 'string' }, name: { type: 'string' }, owner: { type: ['string', 'null'] }, risk: { enum: ['medium', 'high'] }, signals: { type: 'array', items: { type: 'object', required: ['id', 'values'], properties: { id: { type: 'string' }, values: { type: 'object', additionalProperties: { type: 'number' } } } } } } } },
      total: { type: 'integer', description: 'Accounts looked at.' },
      backtest: {
        type: ['object', 'null'],
        required: ['cut', 'end', 'accounts', 'withoutHistory', 'flagged', 'bySignal', 'outcomes'],
        properties: {
          cut: { type: 'string' },
          end: { type: 'string' },
          accounts: { type: 'integer', description: 'Accounts with history before the cut (the population scored).' },
          withoutHistory: { type: 'integer', description: 'Accounts left out: no touch before the cut.' },
          flagged: { type: 'integer' },
          bySignal: { type: 'object', additionalProperties: { type: 'integer' } },
          outcomes: { type: 'array', items: { type: 'object', required: ['id', 'positives', 'truePositives', 'precision', 'baseRate', 'lift', 'recall'], properties: { id: { type: 'string' }, positives: { type: 'integer' }, truePositives: { type: 'integer' }, precision: RATIO, baseRate: { type: 'number' }, lift: RATIO, recall: RATIO } } },
        },
      },
    },
  },
  async handler(ctx) {
    const asOf = typeof ctx.query.asOf === 'string' ? ctx.query.asOf : ctx.clock.now().toISOString().slice(0, 10);
    const at = dayOf(asOf);
    if (at === null) throw new ValidationError({ code: 'crm.at-risk-date', message: 'asOf must be a date (YYYY-MM-DD).', details: [{ pointer: '/query/asOf', message: 'must be a date' }] });
    const histories = await accountHistories(ctx);
    const accounts = histories
      .map((h) => ({ id: h.id, name: h.name, owner: h.owner, signals: signalsAt(h, at, CHURN) }))
      .filter((a) => a.signals.length > 0)
      .map((a) => ({ ...a, risk: a.signals.length >= 2 ? ('high' as const) : ('medium' as const) }))
      .sort((a, b) => b.signals.length - a.signals.length || a.name.localeCompare(b.name));
    return {
      asOf: isoDay(at),
      rules: { signals: CHURN.signals.map((s) => ({ id: s.id, kind: s.kind, name: s.name, label: s.label })), outcomes: CHURN.backtest.outcomes.map((o) => ({ id: o.id, label: o.label })) },
      accounts,
      total: histories.length,
      backtest: backtest(histories),
    };
  },
};

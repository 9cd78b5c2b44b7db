import { epochDay } from '../operators/dates';
import type { DealRecord } from './records';

/**
 * One realistic rule of the corpus with a hand-written JavaScript equivalent (what a developer
 * would write instead of a rule) used by the benchmark and the tests.
 */
export interface CorpusRule {
  readonly id: string;
  readonly kind: 'stage-guard' | 'grading' | 'routing' | 'churn' | 'scorecard';
  readonly description: string;
  readonly rule: unknown;
  /** Same result as the rule on every record of `generateDeals`; `nowMs` is the injected clock. */
  readonly handwritten: (r: DealRecord, nowMs: number) => unknown;
  /** Whether `toSql` translates it. */
  readonly sql: boolean;
}

const DAY = 86_400_000;
const z = (x: number | null | undefined): number => x ?? 0;
const daysSince = (d: string | null | undefined, nowMs: number): number | null => {
  const day = epochDay(d);
  return day === null ? null : Math.floor(nowMs / DAY) - day;
};
const pct = (a: number | null | undefined, t: number | null | undefined): number | null => (a != null && t != null && t !== 0 ? (a / t) * 100 : null);
const missing = (v: unknown): boolean => v === undefined || v === null || v === '';

const grade = { if: [
  { and: [{ '>=': [{ var: 'annual_revenue' }, 10_000_000] }, { '>=': [{ var: 'employees' }, 500] }] }, 'A',
  { or: [{ '>=': [{ var: 'annual_revenue' }, 1_000_000] }, { '>=': [{ var: 'employees' }, 100] }] }, 'B',
  'C',
] };
const gradeJs = (r: DealRecord): string =>
  z(r.annual_revenue) >= 1e7 && z(r.employees) >= 500 ? 'A' : z(r.annual_revenue) >= 1e6 || z(r.employees) >= 100 ? 'B' : 'C';

const scorecard = { '+': [
  { '*': [{ min: [{ pct_of_target: [{ var: 'won_amount' }, { var: 'quota' }] }, 150] }, 0.4] },
  { '*': [{ min: [{ var: 'activities_30d' }, 40] }, 0.75] },
  { '*': [{ var: 'meetings_30d' }, 2] },
] };
const scorecardJs = (r: DealRecord): number =>
  0 + Math.min(z(pct(r.won_amount, r.quota)), 150) * 0.4 + Math.min(z(r.activities_30d), 40) * 0.75 + (r.meetings_30d ?? NaN) * 2;

/**
 * The corpus: 24 rules an ops admin would author (stage guards, customer grading, lead routing,
 * churn warnings, scorecard formulas) over {@link dealSchema}.
 *
 * @example
 * ```ts
 * for (const c of corpusRules) compileRule(c.rule, { operators, schema: dealSchema });
 * ```
 */
export const corpusRules: readonly CorpusRule[] = [
  { id: 'guard-proposal', kind: 'stage-guard', sql: true, description: 'Enter Proposal: amount >= 10k, contact email and close date known, decision maker met',
    rule: { and: [{ '>=': [{ var: 'amount' }, 10000] }, { '!': { missing: ['contact.email', 'close_date'] } }, { '==': [{ var: 'decision_maker_met' }, true] }] },
    handwritten: (r) => r.amount >= 10000 && !missing(r.contact?.email) && !missing(r.close_date) && r.decision_maker_met === true },
  { id: 'guard-negotiation', kind: 'stage-guard', sql: true, description: 'Enter Negotiation: budget confirmed, probability >= 50%, discount <= 20%',
    rule: { and: [{ var: 'budget_confirmed' }, { '>=': [{ var: 'probability' }, 0.5] }, { '<=': [{ var: 'discount_pct' }, 20] }] },
    handwritten: (r) => (r.budget_confirmed ?? null) && z(r.probability) >= 0.5 && z(r.discount_pct) <= 20 },
  { id: 'guard-won', kind: 'stage-guard', sql: true, description: 'Mark Won: from proposal/negotiation, positive amount, one contact channel',
    rule: { and: [{ in: [{ var: 'stage' }, ['proposal', 'negotiation']] }, { '>': [{ var: 'amount' }, 0] }, { '!': { missing_some: [1, ['contact.email', 'contact.phone']] } }] },
    handwritten: (r) => (r.stage === 'proposal' || r.stage === 'negotiation') && r.amount > 0 && (!missing(r.contact?.email) || !missing(r.contact?.phone)) },
  { id: 'grade-customer', kind: 'grading', sql: true, description: 'Customer grade A/B/C by revenue and size', rule: grade, handwritten: gradeJs },
  { id: 'grade-is-a', kind: 'grading', sql: true, description: 'Segment: grade A customers', rule: { '==': [grade, 'A'] }, handwritten: (r) => gradeJs(r) === 'A' },
  { id: 'route-enterprise', kind: 'routing', sql: true, description: 'Enterprise lead in EMEA or NA',
    rule: { and: [{ '>=': [{ var: 'employees' }, 1000] }, { in: [{ var: 'region' }, ['EMEA', 'NA']] }] },
    handwritten: (r) => z(r.employees) >= 1000 && (r.region === 'EMEA' || r.region === 'NA') },
  { id: 'route-team', kind: 'routing', sql: true, description: 'Team for a lead by region',
    rule: { if: [{ '==': [{ var: 'region' }, 'EMEA'] }, 'team-emea', { '==': [{ var: 'region' }, 'APAC'] }, 'team-apac', { in: [{ var: 'region' }, ['NA', 'LATAM']] }, 'team-americas', 'team-unassigned'] },
    handwritten: (r) => (r.region === 'EMEA' ? 'team-emea' : r.region === 'APAC' ? 'team-apac' : r.region === 'NA' || r.region === 'LATAM' ? 'team-americas' : 'team-unassigned') },
  { id: 'route-hot-lead', kind: 'routing', sql: true, description: 'Hot lead: score >= 80, or a referral with score >= 60',
    rule: { or: [{ '>=': [{ var: 'score' }, 80] }, { and: [{ '==': [{ var: 'source' }, 'referral'] }, { '>=': [{ var: 'score' }, 60] }] }] },
    handwritten: (r) => z(r.score) >= 80 || (r.source === 'referral' && z(r.score) >= 60) },
  { id: 'churn-warning', kind: 'churn', sql: true, description: 'No contact for 60 days, many tickets, or detractor paying late',
    rule: { or: [{ '>': [{ days_since: [{ var: 'last_contact_on' }] }, 60] }, { '>=': [{ var: 'support_tickets_90d' }, 5] }, { and: [{ '<': [{ var: 'nps' }, 7] }, { '>': [{ var: 'payment_delays' }, 1] }] }] },
    handwritten: (r, now) => z(daysSince(r.last_contact_on, now)) > 60 || z(r.support_tickets_90d) >= 5 || (z(r.nps) < 7 && z(r.payment_delays) > 1) },
  { id: 'churn-renewal-risk', kind: 'churn', sql: true, description: 'Renewal within 90 days and fewer than 5 activities',
    rule: { and: [{ '!': { missing: ['renewal_on'] } }, { in_range: [{ '-': [0, { days_since: [{ var: 'renewal_on' }] }] }, 0, 90] }, { '<': [{ var: 'activities_30d' }, 5] }] },
    handwritten: (r, now) => {
      if (missing(r.renewal_on)) return false;
      const until = 0 - z(daysSince(r.renewal_on, now));
      return until >= 0 && until <= 90 && z(r.activities_30d) < 5;
    } },
  { id: 'scorecard-points', kind: 'scorecard', sql: true, description: 'Rep points: attainment (capped 150%), activities (capped 40), meetings', rule: scorecard, handwritten: scorecardJs },
  { id: 'scorecard-attainment', kind: 'scorecard', sql: true, description: 'Quota attainment >= 80%',
    rule: { '>=': [{ pct_of_target: [{ var: 'won_amount' }, { var: 'quota' }] }, 80] }, handwritten: (r) => z(pct(r.won_amount, r.quota)) >= 80 },
  { id: 'guard-discount-approval', kind: 'stage-guard', sql: true, description: 'Discount needs approval: > 15%, or > 10% on a small deal',
    rule: { or: [{ '>': [{ var: 'discount_pct' }, 15] }, { and: [{ '>': [{ var: 'discount_pct' }, 10] }, { '<': [{ var: 'amount' }, 5000] }] }] },
    handwritten: (r) => z(r.discount_pct) > 15 || (z(r.discount_pct) > 10 && r.amount < 5000) },
  { id: 'stuck-deal', kind: 'churn', sql: true, description: 'Open deal without contact for 21 days',
    rule: { and: [{ in: [{ var: 'stage' }, ['qualified', 'proposal', 'negotiation']] }, { '>=': [{ days_since: [{ var: 'last_contact_on' }] }, 21] }] },
    handwritten: (r, now) => ['qualified', 'proposal', 'negotiation'].includes(r.stage) && z(daysSince(r.last_contact_on, now)) >= 21 },
  { id: 'close-date-overdue', kind: 'stage-guard', sql: true, description: 'Close date passed on an open deal',
    rule: { and: [{ '<': [{ var: 'close_date' }, '2025-06-30'] }, { '!': { in: [{ var: 'stage' }, ['won', 'lost']] } }] },
    handwritten: (r) => r.close_date != null && r.close_date < '2025-06-30' && r.stage !== 'won' && r.stage !== 'lost' },
  { id: 'large-or-strategic', kind: 'grading', sql: true, description: 'Strategic account or deal >= 250k',
    rule: { or: [{ var: 'is_strategic' }, { '>=': [{ var: 'amount' }, 250000] }] }, handwritten: (r) => r.is_strategic || r.amount >= 250000 },
  { id: 'bulk-order', kind: 'grading', sql: false, description: 'Some product line with quantity >= 20',
    rule: { some: [{ var: 'products' }, { '>=': [{ var: 'qty' }, 20] }] }, handwritten: (r) => (r.products ?? []).some((p) => p.qty >= 20) },
  { id: 'big-basket', kind: 'scorecard', sql: false, description: 'Basket value (sum of qty x price) >= 50k',
    rule: { '>=': [{ reduce: [{ var: 'products' }, { '+': [{ var: 'accumulator' }, { '*': [{ var: 'current.qty' }, { var: 'current.price' }] }] }, 0] }, 50000] },
    handwritten: (r) => {
      if (r.products == null) return 0 >= 50000;
      let sum = 0;
      for (const p of r.products) sum = 0 + sum + p.qty * p.price;
      return sum >= 50000;
    } },
  { id: 'vip-tag', kind: 'routing', sql: true, description: 'Tagged VIP', rule: { in: ['vip', { var: 'tags' }] }, handwritten: (r) => (r.tags ?? []).includes('vip') },
  { id: 'weighted-forecast', kind: 'scorecard', sql: true, description: 'Weighted amount (amount x probability) >= 20k',
    rule: { '>=': [{ '*': [{ var: 'amount' }, { var: 'probability' }] }, 20000] }, handwritten: (r) => r.amount * (r.probability ?? NaN) >= 20000 },
  { id: 'fast-cycle', kind: 'scorecard', sql: true, description: 'Created to close in 90 days or less',
    rule: { '<=': [{ days_between: [{ var: 'created_on' }, { var: 'close_date' }] }, 90] },
    handwritten: (r) => {
      const a = epochDay(r.created_on);
      const b = epochDay(r.close_date);
      return (a === null || b === null ? 0 : b - a) <= 90;
    } },
  { id: 'industry-fit', kind: 'routing', sql: true, description: 'Target industry with 50 to 5000 employees',
    rule: { and: [{ in: [{ var: 'industry' }, ['software', 'fintech', 'health']] }, { in_range: [{ var: 'employees' }, 50, 5000] }] },
    handwritten: (r) => ['software', 'fintech', 'health'].includes(r.industry as string) && r.employees != null && r.employees >= 50 && r.employees <= 5000 },
  { id: 'corp-account', kind: 'grading', sql: true, description: 'Account name contains "Corp"', rule: { in: ['Corp', { var: 'name' }] }, handwritten: (r) => r.name.includes('Corp') },
  { id: 'recently-touched', kind: 'churn', sql: true, description: 'Updated in the last 7 days',
    rule: { '<=': [{ days_since: [{ var: 'updated_at' }] }, 7] }, handwritten: (r, now) => z(daysSince(r.updated_at, now)) <= 7 },
];

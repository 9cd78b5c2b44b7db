/**
 * Deterministic generator of varied deal records for tests and the benchmark.
 */

/** A record body of the corpus entity (fields may be absent, as in real data). */
export interface DealRecord {
  name: string;
  stage: string;
  amount: number;
  probability?: number | null;
  discount_pct?: number | null;
  region?: string | null;
  industry?: string | null;
  source?: string | null;
  employees?: number | null;
  annual_revenue?: number | null;
  score?: number | null;
  nps?: number | null;
  support_tickets_90d?: number | null;
  payment_delays?: number | null;
  activities_30d?: number | null;
  meetings_30d?: number | null;
  quota?: number | null;
  won_amount?: number | null;
  is_strategic?: boolean | null;
  decision_maker_met?: boolean | null;
  budget_confirmed?: boolean | null;
  created_on?: string | null;
  close_date?: string | null;
  last_contact_on?: string | null;
  renewal_on?: string | null;
  updated_at?: string | null;
  contact?: { email?: string; phone?: string } | null;
  tags?: string[] | null;
  products?: Array<{ sku: string; qty: number; price: number }> | null;
}

/** The corpus clock: every date operator of the corpus sees this "now". */
export const CORPUS_NOW = new Date('2025-06-30T12:00:00Z');

/** mulberry32: tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];
const REGIONS = ['EMEA', 'NA', 'APAC', 'LATAM'];
const INDUSTRIES = ['software', 'fintech', 'health', 'retail', 'manufacturing', 'public'];
const SOURCES = ['referral', 'web', 'event', 'outbound', 'partner'];
const TAGS = ['vip', 'renewal', 'upsell', 'at-risk', 'pilot'];
const NAMES = ['Acme Corp', 'Globex', 'Initech Corp', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Corp', 'Tyrell'];

/**
 * `count` varied records, the same for a given seed. About one optional field in ten is null;
 * `renewal_on`, `products` and the contact's fields exist only on some records.
 *
 * @example
 * ```ts
 * const records = generateDeals(5000, 42);
 * ```
 */
export function generateDeals(count: number, seed = 1): DealRecord[] {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const maybe = (p = 0.9): boolean => rand() < p;
  const day = (offset: number): string => new Date(CORPUS_NOW.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const out: DealRecord[] = [];
  for (let i = 0; i < count; i++) {
    const opt = <T>(value: T, p = 0.9): T | null => (maybe(p) ? value : null);
    const created = -int(0, 400);
    const stage = pick(STAGES);
    const r: DealRecord = {
      name: `${pick(NAMES)} #${i}`, stage, amount: Math.round(rand() * rand() * 400_000),
      probability: opt(Math.round(rand() * 100) / 100), discount_pct: opt(int(0, 30)), region: opt(pick(REGIONS)),
      industry: opt(pick(INDUSTRIES)), source: opt(pick(SOURCES)), employees: opt(int(1, 20_000)),
      annual_revenue: opt(Math.round(rand() * rand() * 50_000_000)), score: opt(int(0, 100)), nps: opt(int(0, 10), 0.7),
      support_tickets_90d: opt(int(0, 9)), payment_delays: opt(int(0, 4)), activities_30d: opt(int(0, 60)),
      meetings_30d: opt(int(0, 12)), quota: opt(maybe(0.95) ? int(1, 20) * 10_000 : 0), won_amount: opt(Math.round(rand() * 250_000)),
      is_strategic: opt(rand() < 0.2), decision_maker_met: opt(rand() < 0.6), budget_confirmed: opt(rand() < 0.5),
      created_on: opt(day(created)), close_date: opt(day(created + int(0, 200))), last_contact_on: opt(day(-int(0, 120))),
      updated_at: opt(new Date(CORPUS_NOW.getTime() - int(0, 90 * 24) * 3_600_000).toISOString()),
      contact: null, tags: opt(TAGS.filter(() => rand() < 0.25)),
    };
    // A few fields exist only on some kinds of records, as in real data: a handful of shapes.
    if (maybe(0.85)) {
      const contact: { email?: string; phone?: string } = {};
      if (maybe(0.8)) contact.email = maybe(0.9) ? `buyer${i}@example.com` : '';
      if (maybe(0.6)) contact.phone = `+1-555-${String(i % 10_000).padStart(4, '0')}`;
      r.contact = contact;
    }
    if (stage === 'won' || stage === 'negotiation') r.renewal_on = opt(day(int(-30, 365)));
    if (stage !== 'lead') r.products = Array.from({ length: int(0, 4) }, () => ({ sku: `SKU-${int(1, 50)}`, qty: int(1, 25), price: int(10, 5000) }));
    out.push(r);
  }
  return out;
}

/**
 * Deterministic generator of varied deal records for tests and the benchmark.
 */

/** A record body of the corpus entity (fields may be absent, as in real data). */
export interface DealRecord {
  name: string;
  stage: string;
  amount: number;
  probability?: number;
  discount_pct?: number;
  region?: string;
  industry?: string;
  source?: string;
  employees?: number;
  annual_revenue?: number;
  score?: number;
  nps?: number | null;
  support_tickets_90d?: number;
  payment_delays?: number;
  activities_30d?: number;
  meetings_30d?: number;
  quota?: number;
  won_amount?: number;
  is_strategic?: boolean;
  decision_maker_met?: boolean;
  budget_confirmed?: boolean;
  created_on?: string;
  close_date?: string;
  last_contact_on?: string;
  renewal_on?: string;
  updated_at?: string;
  contact?: { email?: string; phone?: string };
  tags?: string[];
  products?: Array<{ sku: string; qty: number; price: number }>;
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
 * `count` varied records, the same for a given seed. About one optional field in ten is absent.
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
    const r: DealRecord = { name: `${pick(NAMES)} #${i}`, stage: pick(STAGES), amount: Math.round(rand() * rand() * 400_000) };
    if (maybe()) r.probability = Math.round(rand() * 100) / 100;
    if (maybe()) r.discount_pct = int(0, 30);
    if (maybe()) r.region = pick(REGIONS);
    if (maybe()) r.industry = pick(INDUSTRIES);
    if (maybe()) r.source = pick(SOURCES);
    if (maybe()) r.employees = int(1, 20_000);
    if (maybe()) r.annual_revenue = Math.round(rand() * rand() * 50_000_000);
    if (maybe()) r.score = int(0, 100);
    if (maybe(0.8)) r.nps = maybe(0.9) ? int(0, 10) : null;
    if (maybe()) r.support_tickets_90d = int(0, 9);
    if (maybe()) r.payment_delays = int(0, 4);
    if (maybe()) r.activities_30d = int(0, 60);
    if (maybe()) r.meetings_30d = int(0, 12);
    if (maybe()) r.quota = maybe(0.95) ? int(1, 20) * 10_000 : 0;
    if (maybe()) r.won_amount = Math.round(rand() * 250_000);
    if (maybe()) r.is_strategic = rand() < 0.2;
    if (maybe()) r.decision_maker_met = rand() < 0.6;
    if (maybe()) r.budget_confirmed = rand() < 0.5;
    const created = -int(0, 400);
    if (maybe()) r.created_on = day(created);
    if (maybe()) r.close_date = day(created + int(0, 200));
    if (maybe()) r.last_contact_on = day(-int(0, 120));
    if (maybe()) r.renewal_on = day(int(-30, 365));
    if (maybe()) r.updated_at = new Date(CORPUS_NOW.getTime() - int(0, 90 * 24) * 3_600_000).toISOString();
    if (maybe()) {
      r.contact = {};
      if (maybe(0.8)) r.contact.email = maybe(0.9) ? `buyer${i}@example.com` : '';
      if (maybe(0.6)) r.contact.phone = `+1-555-${String(i % 10_000).padStart(4, '0')}`;
    }
    if (maybe()) r.tags = TAGS.filter(() => rand() < 0.25);
    if (maybe()) r.products = Array.from({ length: int(0, 4) }, () => ({ sku: `SKU-${int(1, 50)}`, qty: int(1, 25), price: int(10, 5000) }));
    out.push(r);
  }
  return out;
}

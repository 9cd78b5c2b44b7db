// Writes the crm plugin's demo data (plugins/crm/demo/*.demo.json): contacts for the data set's
// 85 accounts and activities for the deals engaged or closed in its last quarter. The data set
// has neither, so they are made up here, deterministically (a seeded generator): run it again and
// the files do not change. See plugins/crm/demo/README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

const DATA = new URL('../runtime/demo/crm-sales-opportunities/', import.meta.url);
const OUT = new URL('../plugins/crm/demo/', import.meta.url);
const read = (f) => parse(readFileSync(new URL(f, DATA), 'utf8'), { columns: true, bom: true, skip_empty_lines: true });

// mulberry32: a small seeded generator, so the files are the same on every run
let seed = 20171231;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const FIRST = ['Alex', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie', 'Avery', 'Quinn', 'Drew', 'Priya', 'Diego', 'Hannah', 'Kenji', 'Amara', 'Lukas', 'Sofia', 'Omar', 'Elena', 'Noah', 'Wei', 'Fang', 'Jun', 'Li', 'Mei'];
const LAST = ['Walker', 'Nguyen', 'Patel', 'Garcia', 'Kim', 'Schmidt', 'Rossi', 'Okafor', 'Larsen', 'Cohen', 'Silva', 'Tanaka', 'Murphy', 'Novak', 'Haddad', 'Wang', 'Zhang', 'Chen', 'Liu', 'Zhao'];
const ROLES = [
  { role: 'decision_maker', titles: ['Chief Financial Officer', 'VP of Operations', 'Chief Executive Officer'], decision: true },
  { role: 'champion', titles: ['Head of Sales Operations', 'Director of IT', 'Procurement Lead'], decision: false },
  { role: 'influencer', titles: ['IT Manager', 'Finance Manager', 'Operations Analyst'], decision: false },
];
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

const accounts = read('accounts.csv');
const contacts = [];
const byAccount = new Map();
accounts.forEach((a, i) => {
  const n = 2 + (random() < 0.4 ? 1 : 0);
  const mine = [];
  for (let k = 0; k < n; k++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const r = ROLES[k] ?? pick(ROLES);
    const email = `${slug(first)}.${slug(last)}${k > 0 && mine.some((c) => c.email.startsWith(`${slug(first)}.${slug(last)}@`)) ? k : ''}@${slug(a.account)}.example.com`;
    const c = { first_name: first, last_name: last, email, phone: `+1 415 555 ${String(1000 + i * 3 + k).slice(-4)}`, title: pick(r.titles), role: r.role, is_decision_maker: r.decision, account: a.account };
    mine.push(c);
    contacts.push(c);
  }
  byAccount.set(a.account, mine);
});

const CUT = '2017-10-01';
const deals = read('sales_pipeline.csv');
const activities = [];
const hour = () => String(8 + Math.floor(random() * 9)).padStart(2, '0');
for (const d of deals) {
  const people = byAccount.get(d.account) ?? [];
  const contact = people.length ? pick(people) : null;
  const product = d.product === 'GTXPro' ? 'GTX Pro' : d.product;
  if (d.engage_date && d.engage_date >= CUT) {
    const visit = random() < 0.35;
    activities.push({
      kind: visit ? 'visit' : 'meeting', subject: `${visit ? 'On-site visit' : 'Discovery meeting'}: ${product}`, occurred_at: `${d.engage_date}T${hour()}:00:00Z`, done: true,
      duration_minutes: visit ? 90 : 45, direction: 'outbound', account: d.account ?? '', contact_email: contact?.email ?? '', deal: d.opportunity_id, agent: d.sales_agent,
    });
  }
  if (d.close_date && d.close_date >= CUT) {
    const won = d.deal_stage === 'Won';
    activities.push({
      kind: 'call', subject: won ? `Closing call: ${product} signed` : `Closing call: ${product} lost`, occurred_at: `${d.close_date}T${hour()}:30:00Z`, done: true,
      duration_minutes: 20, direction: 'outbound', outcome: won ? 'won' : 'lost', account: d.account ?? '', contact_email: contact?.email ?? '', deal: d.opportunity_id, agent: d.sales_agent,
    });
  }
}

const write = (file, doc) => writeFileSync(new URL(file, OUT), `${JSON.stringify(doc, null, 0).replace(/\},\{/g, '},\n{')}\n`);
write('contacts.demo.json', {
  mapping: { entity: 'crm.contact', key: 'email', fields: { first_name: 'first_name', last_name: 'last_name', email: 'email', phone: 'phone', title: 'title', role: 'role', is_decision_maker: { column: 'is_decision_maker', type: 'boolean' }, account_id: 'account' } },
  rows: contacts,
});
write('activities.demo.json', {
  mapping: {
    entity: 'crm.activity',
    fields: {
      kind: 'kind', subject: 'subject', occurred_at: 'occurred_at', done: { column: 'done', type: 'boolean' }, duration_minutes: { column: 'duration_minutes', type: 'integer' }, direction: 'direction', outcome: { column: 'outcome', emptyNote: 'only closing calls have an outcome' },
      account_id: { column: 'account', emptyNote: 'the deal has no account' }, contact_id: { column: 'contact_email', emptyNote: 'the account has no contacts' }, deal_id: 'deal', $owner: 'agent',
    },
  },
  dateColumns: ['occurred_at'],
  rows: activities,
});
console.log(`${contacts.length} contacts, ${activities.length} activities`);

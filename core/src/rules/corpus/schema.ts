import type { JsonSchema } from '../types';

/**
 * Entity schema of the corpus: a deal joined with its account, as a plugin would declare it
 * (JSON Schema 2020-12 object schema of the record body).
 *
 * @example
 * ```ts
 * checkRule(rule, { schema: dealSchema, operators });
 * ```
 */
export const dealSchema: JsonSchema = Object.freeze({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://pipewright.dev/schemas/corpus/deal.schema.json',
  type: 'object',
  required: ['name', 'stage', 'amount'],
  properties: {
    name: { type: 'string' },
    stage: { type: 'string', enum: ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] },
    amount: { type: 'number', minimum: 0 },
    probability: { type: 'number', minimum: 0, maximum: 1 },
    discount_pct: { type: 'number' },
    region: { type: 'string' },
    industry: { type: 'string' },
    source: { type: 'string' },
    employees: { type: 'integer' },
    annual_revenue: { type: 'number' },
    score: { type: 'number' },
    nps: { type: ['integer', 'null'] },
    support_tickets_90d: { type: 'integer' },
    payment_delays: { type: 'integer' },
    activities_30d: { type: 'integer' },
    meetings_30d: { type: 'integer' },
    quota: { type: 'number' },
    won_amount: { type: 'number' },
    is_strategic: { type: 'boolean' },
    decision_maker_met: { type: 'boolean' },
    budget_confirmed: { type: 'boolean' },
    created_on: { type: 'string', format: 'date' },
    close_date: { type: 'string', format: 'date' },
    last_contact_on: { type: 'string', format: 'date' },
    renewal_on: { type: 'string', format: 'date' },
    updated_at: { type: 'string', format: 'date-time' },
    contact: { $ref: '#/$defs/contact' },
    tags: { type: 'array', items: { type: 'string' } },
    products: { type: 'array', items: { $ref: '#/$defs/line' } },
  },
  $defs: {
    contact: { type: 'object', properties: { email: { type: 'string', format: 'email' }, phone: { type: 'string' } } },
    line: { type: 'object', required: ['sku', 'qty', 'price'], properties: { sku: { type: 'string' }, qty: { type: 'integer' }, price: { type: 'number' } } },
  },
});

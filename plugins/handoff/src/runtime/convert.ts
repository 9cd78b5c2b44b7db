import type { PluginRecord, PluginRoute, RouteContext } from './sdk-types';
import { problem } from './problems';
import { LEAD } from './routing';

const ACCOUNT = 'crm.account';
const CONTACT = 'crm.contact';
const DEAL = 'pipeline.deal';

const money = { type: 'object', required: ['amount', 'currency'], additionalProperties: false, properties: { amount: { type: 'number', minimum: 0 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } } };
const link = { type: 'object', required: ['id', 'created'], additionalProperties: false, properties: { id: { type: 'string' }, created: { type: 'boolean' } } };

/**
 * `POST /api/plugins/handoff/leads/:id/convert`: turns an accepted lead into an account (the one
 * named by `account_id`, else the visible account with the lead's company name, else a new one),
 * a contact (the account's contact with the lead's email, else a new one) and a deal carrying
 * the lead's source (its campaign in the deal's notes; the lead keeps both and links the deal),
 * as the caller, in the route's one transaction: all or nothing. The lead then moves to
 * `converted` (the transition requires the three links). Converting again answers the same links.
 */
export const convertRoute: PluginRoute = {
  method: 'post',
  path: '/leads/:id/convert',
  summary: 'Convert an accepted lead into an account, a contact and a deal (one transaction)',
  body: { type: 'object', additionalProperties: false, properties: { account_id: { type: 'string', format: 'uuid' }, deal_name: { type: 'string', minLength: 1, maxLength: 200 }, amount: money } },
  response: { type: 'object', required: ['lead', 'account', 'contact', 'deal'], additionalProperties: false, properties: { lead: { type: 'string' }, account: link, contact: link, deal: link } },
  async handler(ctx: RouteContext) {
    const id = ctx.params.id ?? '';
    const lead = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.records.get(LEAD, id) : null;
    if (!lead) throw problem(404, 'not-found', `No lead "${id}" that you may see.`);
    if (typeof lead.data.deal_id === 'string' && typeof lead.data.account_id === 'string' && typeof lead.data.contact_id === 'string') {
      return { lead: lead.id, account: { id: lead.data.account_id, created: false }, contact: { id: lead.data.contact_id, created: false }, deal: { id: lead.data.deal_id, created: false } };
    }
    const roles = ctx.caller.roles;
    if (lead.owner !== ctx.caller.userId && !roles.includes('admin') && !roles.includes('manager')) {
      throw problem(403, 'handoff.not-yours', 'Only the rep who accepted the lead (or his manager) converts it; the sender keeps reading it.', [{ pointer: '/owner', message: 'is someone else' }]);
    }
    if (lead.stage !== 'sales_accepted') {
      throw problem(409, 'handoff.lead-not-accepted', `Only an accepted lead can be converted; this one is "${String(lead.stage)}".`, [{ pointer: '/stage', message: `is ${String(lead.stage)}, not sales_accepted` }]);
    }
    const body = ctx.body as { account_id?: string; deal_name?: string; amount?: { amount: number; currency: string } };
    const d = lead.data;
    const company = String(d.company_name);

    let account: PluginRecord | null = null;
    let accountCreated = false;
    const wanted = body.account_id ?? (typeof d.account_id === 'string' ? d.account_id : undefined);
    if (wanted) {
      account = await ctx.records.get(ACCOUNT, wanted);
      if (!account) throw problem(422, 'unknown-reference', `No account "${wanted}" that you may see.`, [{ pointer: '/account_id', message: 'names no account you may see', code: 'unknown-reference' }]);
    } else {
      account = (await ctx.records.list(ACCOUNT, { filter: { name: company }, limit: 1 })).items[0] ?? null;
      if (!account) {
        account = await ctx.records.create(ACCOUNT, { data: { name: company, status: 'prospect', ...(typeof d.employees === 'number' ? { employees: d.employees } : {}), ...(typeof d.phone === 'string' ? { phone: d.phone } : {}) } });
        accountCreated = true;
      }
    }

    let contact: PluginRecord | null = null;
    let contactCreated = false;
    if (typeof d.email === 'string') contact = (await ctx.records.list(CONTACT, { filter: { email: d.email, account_id: account.id }, limit: 1 })).items[0] ?? null;
    if (!contact) {
      const [first, ...rest] = String(d.contact_name).trim().split(/\s+/);
      contact = await ctx.records.create(CONTACT, {
        data: {
          first_name: first || String(d.contact_name),
          last_name: rest.join(' ') || '-',
          account_id: account.id,
          ...(typeof d.email === 'string' ? { email: d.email } : {}),
          ...(typeof d.phone === 'string' ? { phone: d.phone } : {}),
          ...(typeof d.title === 'string' ? { title: d.title } : {}),
        },
      });
      contactCreated = true;
    }

    const notes = [`Converted from lead ${lead.id}`, typeof d.campaign === 'string' ? `campaign: ${d.campaign}` : null, typeof d.source === 'string' ? `source: ${d.source}` : null].filter(Boolean).join('; ');
    const deal = await ctx.records.create(DEAL, {
      data: {
        name: body.deal_name ?? `${company}${typeof d.campaign === 'string' ? ` (${d.campaign})` : ''}`,
        account_id: account.id,
        ...(typeof d.source === 'string' ? { source: d.source } : {}),
        ...(body.amount ? { amount: body.amount } : {}),
        notes,
      },
    });
    await ctx.records.update(LEAD, lead.id, { data: { account_id: account.id, contact_id: contact.id, deal_id: deal.id, converted_at: ctx.clock.now().toISOString() } });
    return { lead: lead.id, account: { id: account.id, created: accountCreated }, contact: { id: contact.id, created: contactCreated }, deal: { id: deal.id, created: true } };
  },
};

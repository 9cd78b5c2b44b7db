import type { PluginRecord, PluginRoute, PluginServices, RouteContext } from '@pipewright/plugin-sdk';
import { daysBetween, fromCents, planProblems, toCents } from './allocate';
import { notFound, problem } from './problems';
import { CHANGE, CONTRACT, PAYMENT, amountOf, asContracts, currencyOf, listAll, loadBundle, money, replacePlan, settle, today, type Bundle } from './store';
import { mayApprove, mayWork, viewOf } from './view';

const statusOf = (err: unknown): number | null => (typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : null);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = { type: 'string', format: 'date' };
const AMOUNT = { type: 'number', exclusiveMinimum: 0, maximum: 1e12 };
const PLAN = { type: 'array', minItems: 1, maxItems: 120, items: { type: 'object', additionalProperties: false, required: ['due_date', 'amount'], properties: { due_date: DATE, amount: AMOUNT } } };
const NUM = { type: 'number' };
const STR = { type: 'string' };
/** An object schema whose listed members are required and typed. */
const obj = (props: Record<string, unknown>) => ({ type: 'object', required: Object.keys(props), properties: props });
const VIEW = obj({
  contract: obj({ id: STR, number: STR, currency: STR, value: NUM, collected: NUM, outstanding: NUM, overpaid: NUM, status: { enum: ['open', 'paid', 'overpaid'] }, overdue: obj({ amount: NUM, days: NUM, bucket: { type: ['string', 'null'] } }) }),
  instalments: { type: 'array', items: obj({ id: STR, seq: NUM, due_date: STR, amount: NUM, paid: NUM, remaining: NUM, status: STR, overdue_days: NUM }) },
  payments: { type: 'array', items: obj({ id: STR, code: STR, amount: NUM, paid_on: STR }) },
  changes: { type: 'array', items: obj({ id: STR, summary: STR, status: STR, value: NUM, previous_value: NUM }) },
  can: obj({ record: { type: 'boolean' }, request: { type: 'boolean' }, approve: { type: 'boolean' } }),
});

/** The contract the caller names and may see (404 otherwise). */
async function contractFor(ctx: RouteContext): Promise<PluginRecord> {
  const id = ctx.params.id ?? '';
  const c = UUID.test(id) ? await ctx.records.get(CONTRACT, id) : null;
  if (!c) throw notFound('contract', id);
  return c;
}

/** 403 unless the caller works the contract (owner, a manager who sees it, an admin). */
function assertWorks(ctx: RouteContext, c: PluginRecord): void {
  if (!mayWork(ctx, c)) throw problem(403, 'pipeline.contract-forbidden', { en: "Only the contract's owner, a manager over it or an admin can do this.", 'zh-CN': '只有合同负责人、其上级经理或管理员可以执行此操作。' }, [{ pointer: '/owner', message: 'is someone else' }]);
}

function plan422(problems: { pointer: string; message: string; code: string }[]): Error {
  const sum = problems.some((p) => p.code === 'pipeline.plan-sum');
  return problem(422, sum ? 'pipeline.plan-sum' : 'pipeline.instalment-amount', sum ? { en: `The instalments must sum to the contract value: ${problems[0]?.message ?? ''}.`, 'zh-CN': '各期金额合计必须等于合同金额。' } : { en: 'An instalment amount is not valid (at least 0.01, at most two decimals).', 'zh-CN': '分期金额无效（至少 0.01，最多两位小数）。' }, problems);
}

type Plan = { due_date: string; amount: number }[];

/**
 * 409 while the won deal's action is still writing the contract's plan (its instalments do not
 * add up to the value yet): a payment, a new plan or a change waits until the plan is whole.
 */
function assertReady(b: Bundle): void {
  const sum = b.instalments.reduce((t, i) => t + toCents(amountOf(i.data.amount)), 0);
  if (sum !== toCents(amountOf(b.contract.data.value))) throw problem(409, 'pipeline.contract-not-ready', { en: 'The contract\'s payment plan is still being written; try again in a moment.', 'zh-CN': '合同的回款计划仍在生成中，请稍后再试。' }, [{ pointer: '/instalments', message: 'the plan is incomplete' }]);
}

/** `GET /contracts`: contracts the caller sees, earliest next due date first. */
export const listRoute: PluginRoute = {
  method: 'get',
  path: '/contracts',
  summary: 'Contracts I may see, with collected, outstanding and overdue figures',
  query: { status: { type: 'string', enum: ['open', 'paid', 'overpaid'] }, deal_id: { type: 'string', pattern: UUID.source }, overdue: { type: 'string', enum: ['true', 'false'] } },
  response: obj({ items: { type: 'array', items: obj({ id: STR, number: STR, currency: STR, value: NUM, collected: NUM, outstanding: NUM, overpaid: NUM, status: STR, overdue_days: NUM }) }, today: DATE }),
  async handler(ctx) {
    const filter: Record<string, string> = {};
    if (ctx.query.status) filter.status = ctx.query.status;
    if (ctx.query.deal_id) filter.deal_id = ctx.query.deal_id;
    const now = today(ctx);
    const all = await listAll(ctx.records, CONTRACT, filter, 'next_due_date');
    const people = new Map((await ctx.directory.users({ includeInactive: true })).map((u) => [u.id, u.name]));
    const items = all.map((c) => {
      const next = typeof c.data.next_due_date === 'string' ? c.data.next_due_date : null;
      const late = next && Number(c.data.outstanding ?? 0) > 0 ? Math.max(0, daysBetween(next, now)) : 0;
      return { id: c.id, number: String(c.data.number), name: typeof c.data.name === 'string' ? c.data.name : null, owner_name: c.owner ? (people.get(c.owner) ?? c.owner) : null, deal_id: (c.data.deal_id as string | undefined) ?? null, account_id: (c.data.account_id as string | undefined) ?? null, owner: c.owner, currency: currencyOf(c.data.value), value: amountOf(c.data.value), collected: Number(c.data.collected ?? 0), outstanding: Number(c.data.outstanding ?? 0), overpaid: Number(c.data.overpaid ?? 0), next_due_date: next, status: String(c.data.status ?? 'open'), overdue_days: late };
    });
    const wanted = ctx.query.overdue === 'true' ? items.filter((i) => i.overdue_days > 0) : ctx.query.overdue === 'false' ? items.filter((i) => i.overdue_days === 0) : items;
    return { items: wanted, today: now };
  },
};

/** `GET /contracts/:id`: a contract with its plan, payments, change requests and what the caller may do. */
export const getRoute: PluginRoute = {
  method: 'get',
  path: '/contracts/:id',
  summary: 'A contract with its payment plan, payments, remainders and change requests',
  response: VIEW,
  async handler(ctx) {
    return viewOf(ctx, await contractFor(ctx));
  },
};

/** `PUT /contracts/:id/plan`: replaces the plan (and may set the value) while no payment exists. */
export const planRoute: PluginRoute = {
  method: 'put',
  path: '/contracts/:id/plan',
  summary: 'Replace the payment plan (and the value) of a contract without payments',
  body: { type: 'object', additionalProperties: false, required: ['instalments'], properties: { value: AMOUNT, instalments: PLAN } },
  response: VIEW,
  async handler(ctx) {
    const c = await contractFor(ctx);
    assertWorks(ctx, c);
    const b = await loadBundle(ctx.records, c);
    assertReady(b);
    if (b.payments.length > 0) throw problem(409, 'pipeline.plan-locked', { en: 'The plan cannot be replaced once a payment exists: request a change of value and plan instead.', 'zh-CN': '已有回款，不能直接替换回款计划：请提交合同变更申请。' }, [{ pointer: '/instalments', message: 'locked: a payment exists' }]);
    const value = typeof ctx.body.value === 'number' ? ctx.body.value : amountOf(c.data.value);
    const instalments = ctx.body.instalments as Plan;
    const problems = planProblems(value, instalments);
    if (problems.length) throw plan422(problems);
    return asContracts(async () => {
      let contract = c;
      if (toCents(value) !== toCents(amountOf(c.data.value))) contract = await ctx.records.update(CONTRACT, c.id, { data: { value: money(value, currencyOf(c.data.value)) } });
      const created = await replacePlan(ctx.records, contract, b.instalments, instalments);
      const settled = await settle(ctx.records, { ...b, contract, instalments: created });
      return viewOf(ctx, settled.contract);
    });
  },
};

/** `POST /contracts/:id/payments`: records a payment (partial, over or early) against an instalment. */
export const paymentRoute: PluginRoute = {
  method: 'post',
  path: '/contracts/:id/payments',
  summary: 'Record a payment against an instalment of a contract',
  body: { type: 'object', additionalProperties: false, required: ['amount', 'paid_on'], properties: { amount: AMOUNT, paid_on: DATE, instalment_id: { type: 'string' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' }, reference: { type: 'string', maxLength: 200 } } },
  status: 201,
  response: VIEW,
  async handler(ctx) {
    const c = await contractFor(ctx);
    assertWorks(ctx, c);
    const amount = Number(ctx.body.amount);
    const paidOn = String(ctx.body.paid_on);
    const currency = currencyOf(c.data.value);
    if (Math.abs(toCents(amount) - amount * 100) > 1e-6) throw problem(422, 'pipeline.payment-amount', { en: 'A payment amount has at most two decimals.', 'zh-CN': '回款金额最多两位小数。' }, [{ pointer: '/amount', message: 'has more than two decimals' }]);
    if (paidOn > today(ctx)) throw problem(422, 'pipeline.payment-future', { en: 'A payment is recorded once received: the date cannot be in the future.', 'zh-CN': '回款须在到账后登记：日期不能晚于今天。' }, [{ pointer: '/paid_on', message: 'is in the future' }]);
    if (typeof ctx.body.currency === 'string' && ctx.body.currency !== currency) throw problem(422, 'pipeline.payment-currency', { en: `The contract is in ${currency}; record the payment in ${currency}.`, 'zh-CN': `合同币种为 ${currency}，请以 ${currency} 登记回款。` }, [{ pointer: '/currency', message: `must be ${currency}` }]);
    const b = await loadBundle(ctx.records, c);
    assertReady(b);
    const target = typeof ctx.body.instalment_id === 'string' ? ctx.body.instalment_id : null;
    if (target !== null && !b.instalments.some((i) => i.id === target)) throw problem(422, 'pipeline.payment-instalment', { en: 'The instalment is not one of this contract\'s plan.', 'zh-CN': '该分期不属于此合同的回款计划。' }, [{ pointer: '/instalment_id', message: 'is not an instalment of this contract' }]);
    return asContracts(async () => {
      const data: Record<string, unknown> = { code: `${String(c.data.number)}-P${crypto.randomUUID().slice(0, 8).toUpperCase()}`, contract_id: c.id, amount: money(amount, currency), paid_on: paidOn };
      if (target) data.instalment_id = target;
      if (typeof ctx.body.reference === 'string' && ctx.body.reference.trim() !== '') data.reference = ctx.body.reference.trim();
      const payment = await ctx.records.create(PAYMENT, { data, owner: c.owner, orgUnit: c.orgUnit });
      let settled = await settle(ctx.records, { ...b, payments: [...b.payments, payment] }, c.version).catch((err: unknown) => err);
      // Another payment on this contract committed meanwhile (412 on the contract's version):
      // read the plan and payments again, now with it, and settle once more.
      for (let attempt = 0; attempt < 5 && statusOf(settled) === 412; attempt++) {
        const fresh = await ctx.records.get(CONTRACT, c.id);
        if (!fresh) throw notFound('contract', c.id);
        settled = await settle(ctx.records, await loadBundle(ctx.records, fresh), fresh.version).catch((err: unknown) => err);
      }
      if (settled instanceof Error || !settled || typeof settled !== 'object' || !('contract' in settled)) throw settled;
      return viewOf(ctx, (settled as Awaited<ReturnType<typeof settle>>).contract);
    });
  },
};

/**
 * `POST /contracts/:id/payments/:payment/reverse`: a bounced or mistaken payment is reversed with a
 * reason. The payment stays (marked reversed, by whom, when, why: the audit, with the record's
 * events); the plan's allocation, the instalments' remainders and the contract's figures are
 * settled again without it, and the collected metric leaves it out.
 */
export const reversePaymentRoute: PluginRoute = {
  method: 'post',
  path: '/contracts/:id/payments/:payment/reverse',
  summary: 'Reverse a payment of a contract with a reason (it stops counting; the record stays for the audit)',
  body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } } },
  response: VIEW,
  async handler(ctx) {
    const c = await contractFor(ctx);
    assertWorks(ctx, c);
    const id = ctx.params.payment ?? '';
    const payment = UUID.test(id) ? await ctx.records.get(PAYMENT, id) : null;
    if (!payment || payment.data.contract_id !== c.id) throw problem(404, 'not-found', { en: `No payment "${id}" on this contract.`, 'zh-CN': `此合同没有回款“${id}”。` }, [{ pointer: '/payment', message: 'no such payment on this contract' }]);
    if (typeof payment.data.reversed_at === 'string') throw problem(409, 'pipeline.payment-reversed', { en: `The payment ${String(payment.data.code)} was already reversed.`, 'zh-CN': `回款 ${String(payment.data.code)} 已冲销。` }, [{ pointer: '/payment', message: 'already reversed' }]);
    return asContracts(async () => {
      try {
        await ctx.records.update(PAYMENT, payment.id, { data: { reversed_at: ctx.clock.now().toISOString(), reversal_reason: String(ctx.body.reason).trim(), reversed_by: ctx.caller.id } }, { expectedVersion: payment.version });
      } catch (err) {
        if (statusOf(err) === 412) throw problem(409, 'pipeline.payment-reversed', { en: `The payment ${String(payment.data.code)} changed a moment ago (reversed by someone else?); reload.`, 'zh-CN': `回款 ${String(payment.data.code)} 刚刚被修改（可能已被他人冲销），请刷新。` }, [{ pointer: '/payment', message: 'changed meanwhile' }]);
        throw err;
      }
      let settled: unknown = null;
      for (let attempt = 0; attempt < 5 && (settled === null || statusOf(settled) === 412); attempt++) {
        const fresh = await ctx.records.get(CONTRACT, c.id);
        if (!fresh) throw notFound('contract', c.id);
        settled = await settle(ctx.records, await loadBundle(ctx.records, fresh), fresh.version).catch((err: unknown) => err);
      }
      if (settled instanceof Error || !settled || typeof settled !== 'object' || !('contract' in settled)) throw settled;
      return viewOf(ctx, (settled as Awaited<ReturnType<typeof settle>>).contract);
    });
  },
};

/** `POST /contracts/:id/changes`: asks for a new value and plan; the owner's manager or an admin decides. */
export const requestChangeRoute: PluginRoute = {
  method: 'post',
  path: '/contracts/:id/changes',
  summary: 'Request a change of a contract\'s value and plan (approved by the owner\'s manager or an admin)',
  body: { type: 'object', additionalProperties: false, required: ['value', 'instalments', 'reason'], properties: { value: AMOUNT, instalments: PLAN, reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } } },
  status: 201,
  response: VIEW,
  async handler(ctx) {
    const c = await contractFor(ctx);
    assertWorks(ctx, c);
    const value = Number(ctx.body.value);
    const instalments = ctx.body.instalments as Plan;
    const problems = planProblems(value, instalments);
    if (problems.length) throw plan422(problems);
    const b = await loadBundle(ctx.records, c);
    assertReady(b);
    if (b.changes.some((x) => x.data.status === 'pending')) throw problem(409, 'pipeline.change-pending', { en: 'A change of this contract is already waiting for approval.', 'zh-CN': '此合同已有待审批的变更申请。' }, [{ pointer: '/value', message: 'a change is pending' }]);
    const currency = currencyOf(c.data.value);
    const prev = amountOf(c.data.value);
    const summary = `${String(c.data.number)}: ${prev.toFixed(2)} → ${value.toFixed(2)} ${currency}`;
    const change = await asContracts(() => ctx.records.create(CHANGE, { data: { summary, contract_id: c.id, previous_value: money(prev, currency), value: money(value, currency), instalments: instalments.map((i) => ({ due_date: i.due_date, amount: fromCents(toCents(i.amount)) })), reason: String(ctx.body.reason).trim(), status: 'pending', requested_by: ctx.caller.userId ?? ctx.caller.id }, owner: c.owner, orgUnit: c.orgUnit }));
    const approvers = c.owner ? (await ctx.directory.managersOf(c.owner)).map((m) => m.id).filter((id) => id !== ctx.caller.userId) : [];
    if (approvers.length) await ctx.notifications.send({ users: approvers, kind: 'contract-change-requested', key: `change:${change.id}:requested`, title: { en: `Contract change to approve: ${summary}`, 'zh-CN': `待审批的合同变更：${summary}` }, body: { en: `Reason: ${String(ctx.body.reason).trim()}`, 'zh-CN': `原因：${String(ctx.body.reason).trim()}` }, record: { id: c.id, type: CONTRACT } });
    return viewOf(ctx, c);
  },
};

async function pendingChange(ctx: RouteContext, c: PluginRecord): Promise<PluginRecord> {
  const id = ctx.params.change ?? '';
  const x = UUID.test(id) ? await ctx.records.get(CHANGE, id) : null;
  if (!x || x.data.contract_id !== c.id) throw notFound('change request', id);
  if (!(await mayApprove(ctx, c))) throw problem(403, 'pipeline.change-approver', { en: "Only the contract owner's manager or an admin decides a change.", 'zh-CN': '只有合同负责人的经理或管理员可以审批变更。' }, [{ pointer: '/status', message: 'needs the owner\'s manager or an admin' }]);
  if (x.data.requested_by === ctx.caller.userId && !ctx.caller.roles.includes('admin')) throw problem(403, 'pipeline.change-own', { en: 'A change is decided by someone other than who asked for it.', 'zh-CN': '变更申请须由申请人以外的人审批。' }, [{ pointer: '/requested_by', message: 'is you' }]);
  if (x.data.status !== 'pending') throw problem(409, 'pipeline.change-decided', { en: `The change is already ${String(x.data.status)}.`, 'zh-CN': `该变更已处理（${x.data.status === 'applied' ? '已生效' : '已驳回'}）。` }, [{ pointer: '/status', message: `is ${String(x.data.status)}` }]);
  return x;
}

async function tellRequester(s: PluginServices, x: PluginRecord, c: PluginRecord, applied: boolean): Promise<void> {
  const to = typeof x.data.requested_by === 'string' && x.data.requested_by !== s.caller.userId ? [x.data.requested_by] : [];
  if (!to.length) return;
  const summary = String(x.data.summary);
  await s.notifications.send({ users: to, kind: applied ? 'contract-change-applied' : 'contract-change-rejected', key: `change:${x.id}:${applied ? 'applied' : 'rejected'}`, title: applied ? { en: `Contract change approved: ${summary}`, 'zh-CN': `合同变更已批准：${summary}` } : { en: `Contract change rejected: ${summary}`, 'zh-CN': `合同变更被驳回：${summary}` }, record: { id: c.id, type: CONTRACT } });
}

/** `POST /contracts/:id/changes/:change/approve`: approves and applies a pending change (value, plan, remainders). */
export const approveRoute: PluginRoute = {
  method: 'post',
  path: '/contracts/:id/changes/:change/approve',
  summary: 'Approve a pending contract change and apply it',
  body: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 2000 } } },
  response: VIEW,
  async handler(ctx) {
    const c = await contractFor(ctx);
    const x = await pendingChange(ctx, c);
    return asContracts(async () => {
      const b = await loadBundle(ctx.records, c);
      const contract = await ctx.records.update(CONTRACT, c.id, { data: { value: money(amountOf(x.data.value), currencyOf(c.data.value)) } }, { expectedVersion: c.version });
      const created = await replacePlan(ctx.records, contract, b.instalments, x.data.instalments as Plan);
      const settled = await settle(ctx.records, { ...b, contract, instalments: created });
      await ctx.records.update(CHANGE, x.id, { data: { status: 'applied', decided_by: ctx.caller.userId ?? ctx.caller.id, decided_at: ctx.clock.now().toISOString(), ...(typeof ctx.body.note === 'string' && ctx.body.note.trim() ? { decision_note: ctx.body.note.trim() } : {}) } }, { expectedVersion: x.version });
      await tellRequester(ctx, x, c, true);
      return viewOf(ctx, settled.contract);
    });
  },
};

/** `POST /contracts/:id/changes/:change/reject`: rejects a pending change, with a note. */
export const rejectRoute: PluginRoute = {
  method: 'post',
  path: '/contracts/:id/changes/:change/reject',
  summary: 'Reject a pending contract change, saying why',
  body: { type: 'object', additionalProperties: false, required: ['note'], properties: { note: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } } },
  response: VIEW,
  async handler(ctx) {
    const c = await contractFor(ctx);
    const x = await pendingChange(ctx, c);
    await asContracts(() => ctx.records.update(CHANGE, x.id, { data: { status: 'rejected', decided_by: ctx.caller.userId ?? ctx.caller.id, decided_at: ctx.clock.now().toISOString(), decision_note: String(ctx.body.note).trim() } }, { expectedVersion: x.version }));
    await tellRequester(ctx, x, c, false);
    return viewOf(ctx, c);
  },
};

/** The contract routes (`/api/plugins/pipeline/contracts...`). */
export const contractRoutes: readonly PluginRoute[] = [listRoute, getRoute, planRoute, paymentRoute, reversePaymentRoute, requestChangeRoute, approveRoute, rejectRoute];

import type { PluginRuntime, PluginServices, RecordChange } from '@pipewright/plugin-sdk';
import { problem } from './problems';
import { CHANGE, CONTRACT, INSTALMENT, PAYMENT, isTrusted, listAll } from './store';

type Hooks = NonNullable<PluginRuntime['hooks']>[string];

/** Contract fields the contract code derives or sets; edits by hand may change only the others (signed on, notes). */
const CONTRACT_FIXED = ['number', 'deal_id', 'account_id', 'collected', 'outstanding', 'overpaid', 'next_due_date', 'status'] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields a write changes (all of the body for a create). */
function changedFields(change: RecordChange): string[] {
  if (change.operation === 'create') return Object.keys(change.data);
  if (change.operation === 'delete') return [];
  const before = change.before?.data ?? {};
  return [...new Set([...Object.keys(before), ...Object.keys(change.data)])].filter((k) => !same(before[k], change.data[k]));
}

/**
 * Contracts: made by the won deal's action, their plan, payments and figures kept by the
 * contract routes. Through the records API (or any write that is not the plugin's contract code
 * or the platform's own work) a contract's value answers 409 `pipeline.contract-value-locked`
 * once a payment exists (ask for a change: `POST .../contracts/:id/changes`) and 422
 * `pipeline.contract-value-via-plan` before (set it with the plan); the derived fields answer 422
 * `pipeline.contract-derived`; contracts are not created or deleted by hand.
 */
const contractHooks: Hooks = {
  async validate(change, s) {
    if (isTrusted(s)) return [];
    if (change.operation !== 'update') throw problem(422, 'pipeline.contract-by-action', { en: 'Contracts are created by the won deal\'s action and are not deleted.', 'zh-CN': '合同由赢单动作创建，且不可删除。' }, [{ pointer: '', message: change.operation === 'create' ? 'win the deal to create its contract' : 'contracts are kept' }]);
    const fields = changedFields(change);
    if (fields.includes('value')) {
      const before = change.before;
      const paid = before ? Number(before.data.collected ?? 0) > 0 || (await listAll(s.records, PAYMENT, { contract_id: before.id })).length > 0 : false;
      if (paid) throw problem(409, 'pipeline.contract-value-locked', { en: 'The contract value cannot be changed once a payment exists: request a change (POST /api/plugins/pipeline/contracts/{id}/changes); the owner\'s manager or an admin approves it.', 'zh-CN': '合同已有回款，不能直接修改合同金额：请提交变更申请（POST /api/plugins/pipeline/contracts/{id}/changes），由负责人的经理或管理员审批。' }, [{ pointer: '/data/value', message: 'locked: a payment exists; request a change' }]);
      throw problem(422, 'pipeline.contract-value-via-plan', { en: 'The contract value changes with its payment plan: PUT /api/plugins/pipeline/contracts/{id}/plan with the value and instalments that sum to it.', 'zh-CN': '合同金额须与回款计划一起修改：PUT /api/plugins/pipeline/contracts/{id}/plan，提交金额及合计等于该金额的分期。' }, [{ pointer: '/data/value', message: 'set it with the payment plan' }]);
    }
    const fixed = fields.filter((f) => (CONTRACT_FIXED as readonly string[]).includes(f));
    if (fixed.length > 0) throw problem(422, 'pipeline.contract-derived', { en: `These contract fields are kept by Pipewright from the plan and payments: ${fixed.join(', ')}.`, 'zh-CN': `以下合同字段由系统根据回款计划与回款记录维护：${fixed.join('、')}。` }, fixed.map((f) => ({ pointer: `/data/${f}`, message: 'derived from the plan and payments' })));
    return [];
  },
};

/** Instalments, payments and change requests: written only by the contract routes and jobs. */
function routesOnly(what: { en: string; zh: string; route: string }): Hooks {
  return {
    validate(change, s: PluginServices) {
      if (isTrusted(s)) return [];
      const fields = changedFields(change);
      throw problem(422, 'pipeline.contract-records-by-routes', { en: `${what.en} are written through ${what.route}, which keeps the contract's figures right.`, 'zh-CN': `${what.zh}须通过 ${what.route} 写入，以保证合同数据一致。` }, (fields.length ? fields : ['']).map((f) => ({ pointer: f ? `/data/${f}` : '', message: `use ${what.route}` })));
    },
  };
}

/** The record hooks of the contract entities. */
export const contractRecordHooks: Record<string, Hooks> = {
  [CONTRACT]: contractHooks,
  [INSTALMENT]: routesOnly({ en: 'Instalments', zh: '分期', route: 'PUT /api/plugins/pipeline/contracts/{id}/plan' }),
  [PAYMENT]: routesOnly({ en: 'Payments', zh: '回款', route: 'POST /api/plugins/pipeline/contracts/{id}/payments' }),
  [CHANGE]: routesOnly({ en: 'Contract changes', zh: '合同变更', route: 'POST /api/plugins/pipeline/contracts/{id}/changes' }),
};

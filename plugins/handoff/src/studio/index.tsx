import { defineStudioPlugin, type PluginTranslation, type StudioLanguage } from '@pipewright/studio/plugin-api';

/** The handoff plugin's labels of handoffs, in en and zh-CN. */
export const translations: Record<StudioLanguage, PluginTranslation> = {
  en: {
    name: 'Handoffs',
    entities: {
      'handoff.handoff': {
        label: 'Handoff', labelPlural: 'Handoffs',
        fields: { kind: 'Kind', status: 'Status', policy_id: 'Policy', from_user: 'From', to_user: 'To', priority: 'Priority', summary: 'Summary', company_name: 'Company', contact_name: 'Contact', email: 'Email', phone: 'Phone', country: 'Country', employees: 'Employees', lead_source: 'Lead source', lead_score: 'Lead score', account_id: 'Account', contact_id: 'Contact record', deal_id: 'Deal', due_at: 'Accept by', accepted_at: 'Accepted at', resolved_at: 'Rejected / expired at', reassignments: 'Reassignments', reason: 'Reason' },
        enums: {
          kind: { marketing_to_sales: 'Marketing to sales', presales_to_sales: 'Presales to sales', sales_to_presales: 'Sales to presales' },
          status: { pending: 'Pending', accepted: 'Accepted', rejected: 'Rejected', expired: 'Expired' },
          priority: { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' },
        },
      },
    },
  },
  'zh-CN': {
    name: '协作交接',
    entities: {
      'handoff.handoff': {
        label: '交接', labelPlural: '交接',
        fields: { kind: '类型', status: '状态', policy_id: '规则', from_user: '移交人', to_user: '接收人', priority: '优先级', summary: '摘要', company_name: '公司', contact_name: '联系人', email: '邮箱', phone: '电话', country: '国家', employees: '员工数', lead_source: '线索来源', lead_score: '线索评分', account_id: '客户', contact_id: '联系人记录', deal_id: '商机', due_at: '接受截止', accepted_at: '接受时间', resolved_at: '拒绝 / 过期时间', reassignments: '重新分配次数', reason: '原因' },
        enums: {
          kind: { marketing_to_sales: '市场转销售', presales_to_sales: '售前转销售', sales_to_presales: '销售转售前' },
          status: { pending: '待接受', accepted: '已接受', rejected: '已拒绝', expired: '已过期' },
          priority: { low: '低', normal: '普通', high: '高', urgent: '紧急' },
        },
      },
    },
  },
};

/**
 * The handoff plugin's studio half: the labels of its entity in en and zh-CN.
 *
 * @example
 * ```ts
 * import handoffStudio from '@pipewright/plugin-handoff/studio';
 * ```
 */
export default defineStudioPlugin({ id: 'handoff', setup: () => ({ translations }) });

import type { PluginTranslation, StudioLanguage } from '@pipewright/studio/plugin-api';

/** The crm plugin's studio text: entity, field, enum labels and its own messages. */
export const translations: Record<StudioLanguage, PluginTranslation> = {
  en: {
    name: 'CRM',
    entities: {
      'crm.account': {
        label: 'Account',
        labelPlural: 'Accounts',
        fields: { name: 'Name', sector: 'Sector', year_established: 'Year established', annual_revenue: 'Annual revenue', employees: 'Employees', office_location: 'Office location', parent_account_id: 'Parent account', grade: 'Grade', churn_risk: 'Churn risk', website: 'Website', phone: 'Phone', status: 'Status', description: 'Description', name_key: 'Name key', grade_source: 'Grade source', dedupe_override: 'Duplicate override' },
        enums: {
          grade_source: { rule: 'By the rule', hand: 'By hand' },
          sector: { technology: 'Technology', medical: 'Medical', retail: 'Retail', software: 'Software', entertainment: 'Entertainment', finance: 'Finance', marketing: 'Marketing', services: 'Services', telecommunications: 'Telecommunications', employment: 'Employment', other: 'Other' },
          grade: { A: 'A', B: 'B', C: 'C', D: 'D' },
          churn_risk: { low: 'Low', medium: 'Medium', high: 'High' },
          status: { prospect: 'Prospect', active: 'Active', churned: 'Churned' },
        },
      },
      'crm.contact': {
        label: 'Contact',
        labelPlural: 'Contacts',
        fields: { first_name: 'First name', last_name: 'Last name', email: 'Email', phone: 'Phone', mobile: 'Mobile', title: 'Job title', account_id: 'Account', role: 'Buying role', is_decision_maker: 'Decision maker', email_opt_out: 'No marketing email', notes: 'Notes', email_key: 'Email key', phone_key: 'Phone key', dedupe_override: 'Duplicate override' },
        enums: { role: { decision_maker: 'Decision maker', champion: 'Champion', influencer: 'Influencer', user: 'User', other: 'Other' } },
      },
      'crm.activity': {
        label: 'Activity',
        labelPlural: 'Activities',
        fields: { kind: 'Kind', subject: 'Subject', description: 'Description', occurred_at: 'Occurred at', due_date: 'Due date', done: 'Done', direction: 'Direction', duration_minutes: 'Duration (minutes)', location: 'Location', outcome: 'Outcome', account_id: 'Account', contact_id: 'Contact', deal_id: 'Deal' },
        enums: {
          kind: { call: 'Call', email: 'Email', meeting: 'Meeting', visit: 'Visit', demo: 'Demo', task: 'Task', note: 'Note' },
          direction: { inbound: 'Inbound', outbound: 'Outbound' },
        },
      },
      'crm.grade_change': {
        label: 'Grade change',
        labelPlural: 'Grade changes',
        fields: { account_id: 'Account', from_grade: 'From', to_grade: 'To', source: 'Source', rule: 'Rule', changed_at: 'Changed at' },
        enums: { from_grade: { A: 'A', B: 'B', C: 'C', D: 'D' }, to_grade: { A: 'A', B: 'B', C: 'C', D: 'D' }, source: { rule: 'By the rule', hand: 'By hand' } },
      },
      'crm.transfer': {
        label: 'Ownership transfer',
        labelPlural: 'Ownership transfers',
        fields: { from_user: 'From', rule: 'Rule', status: 'Status', moved: 'Moved', total: 'Total', targets: 'Receivers', requested_by: 'Requested by', requested_at: 'Requested at' },
        enums: { rule: { manager: 'All to the manager', round_robin: 'Round robin in the team', pool: 'Back to the pool' }, status: { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed' } },
      },
    },
    messages: { 'activities.title': 'Activities', 'activities.loading': 'Loading activities…', 'activities.empty': 'No activities logged for this {{entity}}.' },
  },
  'zh-CN': {
    name: '客户管理',
    entities: {
      'crm.account': {
        label: '客户',
        labelPlural: '客户',
        fields: { name: '名称', sector: '行业', year_established: '成立年份', annual_revenue: '年收入', employees: '员工数', office_location: '办公地点', parent_account_id: '上级客户', grade: '等级', churn_risk: '流失风险', website: '网站', phone: '电话', status: '状态', description: '描述', name_key: '名称匹配键', grade_source: '等级来源', dedupe_override: '查重放行记录' },
        enums: {
          grade_source: { rule: '规则评定', hand: '手工设定' },
          sector: { technology: '科技', medical: '医疗', retail: '零售', software: '软件', entertainment: '娱乐', finance: '金融', marketing: '营销', services: '服务', telecommunications: '电信', employment: '人力资源', other: '其他' },
          grade: { A: 'A 级', B: 'B 级', C: 'C 级', D: 'D 级' },
          churn_risk: { low: '低', medium: '中', high: '高' },
          status: { prospect: '潜在客户', active: '活跃', churned: '已流失' },
        },
      },
      'crm.contact': {
        label: '联系人',
        labelPlural: '联系人',
        fields: { first_name: '名', last_name: '姓', email: '邮箱', phone: '电话', mobile: '手机', title: '职位', account_id: '客户', role: '采购角色', is_decision_maker: '决策人', email_opt_out: '不接收营销邮件', notes: '备注', email_key: '邮箱匹配键', phone_key: '电话匹配键', dedupe_override: '查重放行记录' },
        enums: { role: { decision_maker: '决策人', champion: '内部支持者', influencer: '影响者', user: '使用者', other: '其他' } },
      },
      'crm.activity': {
        label: '活动',
        labelPlural: '活动',
        fields: { kind: '类型', subject: '主题', description: '描述', occurred_at: '发生时间', due_date: '截止日期', done: '已完成', direction: '方向', duration_minutes: '时长（分钟）', location: '地点', outcome: '结果', account_id: '客户', contact_id: '联系人', deal_id: '商机' },
        enums: {
          kind: { call: '电话', email: '邮件', meeting: '会议', visit: '拜访', demo: '演示', task: '任务', note: '笔记' },
          direction: { inbound: '呼入', outbound: '呼出' },
        },
      },
      'crm.grade_change': {
        label: '等级变更',
        labelPlural: '等级变更',
        fields: { account_id: '客户', from_grade: '原等级', to_grade: '新等级', source: '来源', rule: '规则', changed_at: '变更时间' },
        enums: { from_grade: { A: 'A 级', B: 'B 级', C: 'C 级', D: 'D 级' }, to_grade: { A: 'A 级', B: 'B 级', C: 'C 级', D: 'D 级' }, source: { rule: '规则评定', hand: '手工设定' } },
      },
      'crm.transfer': {
        label: '归属移交',
        labelPlural: '归属移交',
        fields: { from_user: '移出人', rule: '规则', status: '状态', moved: '已移交', total: '总数', targets: '接收人', requested_by: '发起人', requested_at: '发起时间' },
        enums: { rule: { manager: '全部交给经理', round_robin: '团队内轮流分配', pool: '退回公海' }, status: { queued: '排队中', running: '进行中', done: '已完成', failed: '失败' } },
      },
    },
    messages: { 'activities.title': '活动', 'activities.loading': '正在加载活动…', 'activities.empty': '此{{entity}}还没有记录活动。' },
  },
};

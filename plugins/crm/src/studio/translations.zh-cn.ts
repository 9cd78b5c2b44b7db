import type { PluginTranslation } from '@pipewright/plugin-sdk/studio';
import customer from './customer-messages.zh-cn';
import field from './field-translations.zh-cn';
import { withFieldVisits, withMessages, withPool } from './merge-translations';
import pool from './pool-translations.zh-cn';

const base: PluginTranslation = {
  name: '客户管理',
  entities: {
    'crm.account': {
      label: '客户',
      labelPlural: '客户',
      help: { name: '客户熟知的公司名称。已有相似客户时，系统会提醒你。', status: '首个商机赢单前为“潜在客户”，之后为“活跃”；客户流失后为“已流失”。', grade: '由客户分级规则自动设置；只有在有理由时才手动修改。', parent_account_id: '这家公司所属的集团（如有），方便把同一集团的客户放在一起查看。' },
      fields: { name: '名称', sector: '行业', year_established: '成立年份', annual_revenue: '年收入', employees: '员工数', office_location: '办公地点', parent_account_id: '上级客户', grade: '等级', churn_risk: '流失风险', won_value: '赢单金额', won_deals: '赢单数', open_deals: '进行中商机数', website: '网站', phone: '电话', status: '状态', description: '描述', name_key: '名称匹配键', grade_source: '等级来源', dedupe_override: '查重放行记录' },
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
      help: { role: '此人在采购中的角色：决策人负责签字，内部支持者在客户内部为你争取。', email: '工作邮箱。其他联系人已使用该邮箱时，系统会提醒你。' },
      fields: { first_name: '名', last_name: '姓', email: '邮箱', phone: '电话', mobile: '手机', title: '职位', account_id: '客户', role: '采购角色', is_decision_maker: '决策人', email_opt_out: '不接收营销邮件', notes: '备注', email_key: '邮箱匹配键', phone_key: '电话匹配键', dedupe_override: '查重放行记录' },
      enums: { role: { decision_maker: '决策人', champion: '内部支持者', influencer: '影响者', user: '使用者', other: '其他' } },
    },
    'crm.activity': {
      label: '活动',
      labelPlural: '活动',
      help: { occurred_at: '发生的时间。尚未完成的任务请留空，并改填截止日期。', outcome: '一句话说明结果：达成了什么、客户提出了什么要求。' },
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
    'crm.grading_rule': {
      label: '分级规则',
      labelPlural: '分级规则',
      help: { logic: '给客户定级（A 到 D）的规则：选择规则库中已保存的规则，或在下方编写 json-logic。', active: '启用的分级规则为所有客户定级，同时只能启用一条。没有启用的规则时，使用内置的客户分级。', rule_versions: '此规则所用已保存规则的版本，在保存时锁定。再次保存即可使用较新的版本。' },
      fields: { name: '名称', logic: '规则', active: '启用', rule_versions: '锁定的规则版本' },
    },
    'crm.merge': {
      label: '客户合并',
      labelPlural: '客户合并',
      fields: { survivor_id: '保留的客户', duplicate_id: '重复客户', status: '状态', moved: '已迁移的引用', filled: '已补全的字段', shares: '已复制的共享', undo_until: '可撤销至', requested_by: '发起人', note: '备注' },
      enums: { status: { queued: '排队中', done: '已完成', undo_queued: '撤销排队中', undone: '已撤销', failed: '失败' } },
    },
    'crm.transfer': {
      label: '归属移交',
      labelPlural: '归属移交',
      fields: { from_user: '移出人', rule: '规则', status: '状态', moved: '已移交', total: '总数', targets: '接收人', requested_by: '发起人', requested_at: '发起时间' },
      enums: { rule: { manager: '全部交给经理', round_robin: '团队内轮流分配', pool: '退回公海' }, status: { queued: '排队中', running: '进行中', done: '已完成', failed: '失败' } },
    },
  },
  messages: { 'activities.title': '活动', 'activities.loading': '正在加载活动…', 'activities.empty': '此{{entity}}还没有记录活动。', "overview.title": "客户 360° 视图", "overview.loading": "正在加载客户概览…", "overview.failed": "无法加载客户概览。", "overview.none": "无", "overview.openValue": "在途金额", "overview.wonValue": "赢单金额", "overview.lastTouch": "最近接触", "overview.nextStep": "下一步", "overview.related": "相关记录", "overview.count.contacts": "联系人", "overview.count.deals": "商机", "overview.count.openDeals": "进行中商机", "overview.count.wonDeals": "赢单商机", "overview.count.activities": "活动", "overview.count.openTasks": "待办任务", "overview.timeline": "时间线", "overview.timelineEmpty": "该客户还没有任何动态。", "overview.timelineMore": "显示最近 {{shown}} 条，共 {{total}} 条。", "timeline.activity": "活动", "timeline.deal": "商机", "timeline.stage": "阶段变更", "timeline.contact": "联系人", "quicklog.title": "记录", "quicklog.call": "记录电话", "quicklog.visit": "记录拜访", "quicklog.note": "添加笔记", "quicklog.task": "添加任务", "quicklog.subject": "主题", "quicklog.notes": "备注", "quicklog.due": "截止日期", "quicklog.save": "保存", "quicklog.cancel": "取消", "quicklog.saved": "已记录：{{subject}}", "quicklog.default.call": "电话沟通", "quicklog.default.visit": "客户拜访", "quicklog.default.note": "笔记", "quicklog.default.task": "跟进", "transfer.nav": "移交销售资源", "transfer.title": "归属移交", "transfer.help": "销售代表离职或调岗时，移交其名下的客户、进行中商机、联系人和待办任务。已赢单和已输单的商机保留原负责人，以便计算业绩。", "transfer.from": "销售代表", "transfer.choose": "选择销售代表", "transfer.inactive": "（已停用）", "transfer.rule": "规则", "transfer.rule.manager": "全部交给经理", "transfer.rule.round_robin": "团队内轮流分配", "transfer.rule.pool": "退回公海", "transfer.preview": "预览", "transfer.previewTitle": "{{name}} 名下的记录", "transfer.targets": "接收人：", "transfer.pool": "公海（无负责人，记录仍归团队）", "transfer.count.accounts": "客户", "transfer.count.openDeals": "进行中商机", "transfer.count.contacts": "联系人", "transfer.count.openTasks": "待办任务", "transfer.count.closedDealsKept": "已结束商机（保留原负责人）", "transfer.start": "开始移交", "transfer.progress": "已移交 {{moved}} / {{total}}…", "transfer.done": "完成：已移交 {{moved}} 条记录。" },
};

/**
 * The crm plugin's studio text in Simplified Chinese: entity, field and enum labels and its own messages,
 * with the field-visit, pool and issue-18 texts kept in modules of their own merged in (one chunk
 * per language: the studio loads the reader's only).
 */
const zhCN: PluginTranslation = withPool(withFieldVisits(withMessages(base, customer), field), pool);

export default zhCN;

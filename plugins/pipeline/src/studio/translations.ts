import type { PluginTranslation, StudioLanguage } from '@pipewright/studio/plugin-api';

/** The pipeline plugin's studio text: deals and products, deal stages, and its own messages. */
export const translations: Record<StudioLanguage, PluginTranslation> = {
  en: {
    name: 'Pipeline',
    entities: {
      'pipeline.deal': {
        label: 'Deal',
        labelPlural: 'Deals',
        fields: { name: 'Name', external_id: 'External id', account_id: 'Account', product_id: 'Product', decision_maker_id: 'Decision maker', amount: 'Expected value', close_value: 'Close value', engage_date: 'Engage date', expected_close_date: 'Expected close date', close_date: 'Close date', source: 'Source', lost_reason: 'Lost reason', competitor: 'Competitor', next_step: 'Next step', notes: 'Notes' },
        enums: {
          source: { inbound: 'Inbound', outbound: 'Outbound', referral: 'Referral', partner: 'Partner', marketing_campaign: 'Marketing campaign', event: 'Event', existing_customer: 'Existing customer', other: 'Other' },
          lost_reason: { price: 'Price', competitor: 'Competitor', no_budget: 'No budget', no_decision: 'No decision', timing: 'Timing', product_fit: 'Product fit', went_dark: 'Went dark', other: 'Other' },
        },
        stages: { prospecting: 'Prospecting', engaging: 'Engaging / Qualified', proposal: 'Proposal', negotiation: 'Negotiation', won: 'Won', lost: 'Lost', due: 'Renewal due', quoted: 'Quoted', renewed: 'Renewed', churned: 'Churned' },
      },
      'pipeline.product': {
        label: 'Product',
        labelPlural: 'Products',
        fields: { name: 'Name', series: 'Series', list_price: 'List price', sku: 'SKU', active: 'Active', description: 'Description' },
      },
    },
    messages: { 'nav.dealBoard': 'Deal board', 'deals.title': 'Deals', 'deals.empty': 'No deals for this account yet.', 'deals.loading': 'Loading deals…', 'deals.stage': 'Stage' },
  },
  'zh-CN': {
    name: '销售管道',
    entities: {
      'pipeline.deal': {
        label: '商机',
        labelPlural: '商机',
        fields: { name: '名称', external_id: '外部编号', account_id: '客户', product_id: '产品', decision_maker_id: '决策人', amount: '预期金额', close_value: '成交金额', engage_date: '接洽日期', expected_close_date: '预计成交日期', close_date: '成交日期', source: '来源', lost_reason: '输单原因', competitor: '竞争对手', next_step: '下一步', notes: '备注' },
        enums: {
          source: { inbound: '呼入', outbound: '外呼', referral: '转介绍', partner: '合作伙伴', marketing_campaign: '市场活动', event: '会展', existing_customer: '老客户', other: '其他' },
          lost_reason: { price: '价格', competitor: '竞争对手', no_budget: '无预算', no_decision: '未决策', timing: '时机', product_fit: '产品不匹配', went_dark: '失联', other: '其他' },
        },
        stages: { prospecting: '潜在', engaging: '接洽 / 已确认', proposal: '方案', negotiation: '谈判', won: '赢单', lost: '输单', due: '待续约', quoted: '已报价', renewed: '已续约', churned: '已流失' },
      },
      'pipeline.product': {
        label: '产品',
        labelPlural: '产品',
        fields: { name: '名称', series: '系列', list_price: '标价', sku: 'SKU', active: '在售', description: '描述' },
      },
    },
    messages: { 'nav.dealBoard': '商机看板', 'deals.title': '商机', 'deals.empty': '此客户还没有商机。', 'deals.loading': '正在加载商机…', 'deals.stage': '阶段' },
  },
};

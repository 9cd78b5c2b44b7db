import { defineStudioPlugin, type PluginTranslation, type StudioLanguage } from '@pipewright/studio/plugin-api';

/** The scorecard plugin's labels of scorecards and evaluations, in en and zh-CN. */
export const translations: Record<StudioLanguage, PluginTranslation> = {
  en: {
    name: 'Scorecards',
    entities: {
      'scorecard.scorecard': {
        label: 'Scorecard', labelPlural: 'Scorecards',
        fields: { name: 'Name', description: 'Description', definition_id: 'Definition', period_start: 'Period start', period_end: 'Period end', applies_to_roles: 'Roles', status: 'Status', dimensions: 'Dimensions' },
        enums: { status: { draft: 'Draft', active: 'Active', closed: 'Closed' } },
      },
      'scorecard.evaluation': {
        label: 'Evaluation', labelPlural: 'Evaluations',
        fields: { scorecard_id: 'Scorecard', rep_id: 'Rep', period: 'Period', scores: 'Scores', total: 'Total', comment: 'Comment', status: 'Status', evaluator_id: 'Evaluator', submitted_at: 'Submitted at' },
        enums: { status: { draft: 'Draft', submitted: 'Submitted', acknowledged: 'Acknowledged' } },
      },
    },
  },
  'zh-CN': {
    name: '绩效计分卡',
    entities: {
      'scorecard.scorecard': {
        label: '计分卡', labelPlural: '计分卡',
        fields: { name: '名称', description: '描述', definition_id: '定义', period_start: '周期开始', period_end: '周期结束', applies_to_roles: '适用角色', status: '状态', dimensions: '维度' },
        enums: { status: { draft: '草稿', active: '进行中', closed: '已关闭' } },
      },
      'scorecard.evaluation': {
        label: '评估', labelPlural: '评估',
        fields: { scorecard_id: '计分卡', rep_id: '销售代表', period: '周期', scores: '得分', total: '总分', comment: '评语', status: '状态', evaluator_id: '评估人', submitted_at: '提交时间' },
        enums: { status: { draft: '草稿', submitted: '已提交', acknowledged: '已确认' } },
      },
    },
  },
};

/**
 * The scorecard plugin's studio half: the labels of its entities in en and zh-CN.
 *
 * @example
 * ```ts
 * import scorecardStudio from '@pipewright/plugin-scorecard/studio';
 * ```
 */
export default defineStudioPlugin({ id: 'scorecard', setup: () => ({ translations }) });

import { defineStudioPlugin, type PluginTranslation, type StudioLanguage } from '@pipewright/studio/plugin-api';

/** The okr plugin's labels of objectives, key results and check-ins, in en and zh-CN. */
export const translations: Record<StudioLanguage, PluginTranslation> = {
  en: {
    name: 'OKR',
    entities: {
      'okr.objective': {
        label: 'Objective', labelPlural: 'Objectives',
        fields: { title: 'Title', description: 'Description', level: 'Level', parent_id: 'Parent objective', co_owners: 'Co-owners', period_start: 'Period start', period_end: 'Period end', status: 'Status', progress: 'Progress' },
        enums: { level: { company: 'Company', region: 'Region', team: 'Team', rep: 'Rep' }, status: { draft: 'Draft', active: 'Active', closed: 'Closed', cancelled: 'Cancelled' } },
      },
      'okr.key_result': {
        label: 'Key result', labelPlural: 'Key results',
        fields: { objective_id: 'Objective', title: 'Title', metric: 'Metric', target: 'Target', baseline: 'Baseline', current: 'Current value', unit: 'Unit', direction: 'Direction', weight: 'Weight', confidence: 'Confidence', computed_at: 'Computed at' },
        enums: { direction: { increase: 'Increase', decrease: 'Decrease' } },
      },
      'okr.check_in': {
        label: 'Check-in', labelPlural: 'Check-ins',
        fields: { key_result_id: 'Key result', value: 'Value', confidence: 'Confidence', note: 'Note', date: 'Date' },
      },
    },
  },
  'zh-CN': {
    name: '目标与关键成果',
    entities: {
      'okr.objective': {
        label: '目标', labelPlural: '目标',
        fields: { title: '标题', description: '描述', level: '层级', parent_id: '上级目标', co_owners: '共同负责人', period_start: '周期开始', period_end: '周期结束', status: '状态', progress: '进度' },
        enums: { level: { company: '公司', region: '区域', team: '团队', rep: '销售代表' }, status: { draft: '草稿', active: '进行中', closed: '已关闭', cancelled: '已取消' } },
      },
      'okr.key_result': {
        label: '关键成果', labelPlural: '关键成果',
        fields: { objective_id: '目标', title: '标题', metric: '指标', target: '目标值', baseline: '基线', current: '当前值', unit: '单位', direction: '方向', weight: '权重', confidence: '信心', computed_at: '计算时间' },
        enums: { direction: { increase: '增加', decrease: '减少' } },
      },
      'okr.check_in': {
        label: '进展更新', labelPlural: '进展更新',
        fields: { key_result_id: '关键成果', value: '数值', confidence: '信心', note: '备注', date: '日期' },
      },
    },
  },
};

/**
 * The okr plugin's studio half: the labels of its entities in en and zh-CN.
 *
 * @example
 * ```ts
 * import okrStudio from '@pipewright/plugin-okr/studio';
 * ```
 */
export default defineStudioPlugin({ id: 'okr', setup: () => ({ translations }) });

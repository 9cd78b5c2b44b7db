import type { enActions } from './en-actions';

/** Simplified Chinese strings of the designer's transition action editor (see `en-actions.ts`). */
export const zhCNActions: typeof enActions = {
  transitionActions: {
    empty: '暂无动作：此移动之后不会执行任何操作。',
    type: '动作类型',
    add: '添加动作',
    pick: '选择动作类型…',
    loading: '正在加载动作类型…',
    loadFailed: '无法加载动作类型：{{error}}',
    unknown: '未知的动作类型 {{type}}',
    edit: '编辑{{action}}',
    moveUp: '上移{{action}}',
    moveDown: '下移{{action}}',
    remove: '移除{{action}}',
    up: '上移',
    down: '下移',
    removeShort: '移除',
    editShort: '编辑',
    close: '收起',
    config: '{{action}}的设置',
    noConfig: '此动作没有设置项。',
    problems: '{{action}}的问题',
  },
};

import type { StudioLanguage } from '@pipewright/studio/plugin-api';

/**
 * Studio text of the second part of issue 18 (deal collisions on the 360° panel, the at-risk
 * page, the merge button), in en and zh-CN; merged into the plugin's translations.
 */
export const customerMessages: Record<StudioLanguage, Record<string, string>> = {
  en: {
    'collision.accountTitle': 'Deal collisions (deals of other reps on this account): {{n}}',
    'collision.ownedBy': "{{name}}'s deal",
  },
  'zh-CN': {
    'collision.accountTitle': '撞单（其他销售在此客户上的商机）：{{n}}',
    'collision.ownedBy': '{{name}} 的商机',
  },
};

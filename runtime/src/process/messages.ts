import { textIn, type LocalizableText, type TextByLocale } from '@pipewright/core';

/**
 * Messages of refused moves and edits that quote process content (stage labels held in several
 * languages), in every language the studio ships (ADR 019): the error's `localizedMessage`.
 *
 * @example
 * ```ts
 * requirementsMessage({ en: 'Won', 'zh-CN': '赢单' }, 'Deal', ['close_date'], 'enter')['zh-CN']; // '进入“赢单”阶段前还需要：close_date。'
 * ```
 */
export function requirementsMessage(stage: LocalizableText, entityLabel: string, fields: readonly string[], verb: 'enter' | 'start'): TextByLocale {
  const en = textIn(stage, 'en');
  const zh = textIn(stage, 'zh-CN');
  return {
    en: `To ${verb === 'enter' ? 'enter' : 'start in'} "${en}" the ${entityLabel.toLowerCase()} needs: ${fields.join(', ') || 'changes'}.`,
    'zh-CN': `${verb === 'enter' ? '进入' : '从'}“${zh}”阶段${verb === 'enter' ? '前' : '开始'}还需要：${fields.join('、') || '修改记录'}。`,
  };
}

/**
 * The message of an edit that changes fields a stage locks.
 *
 * @example
 * ```ts
 * lockedMessage('Won', ['amount']).en; // 'In "Won" these fields are locked: amount. ...'
 * ```
 */
export function lockedMessage(stage: LocalizableText, fields: readonly string[]): TextByLocale {
  const en = textIn(stage, 'en');
  const zh = textIn(stage, 'zh-CN');
  return {
    en: `In "${en}" these fields are locked: ${fields.join(', ')}. Reopen the record (a transition out of "${en}") to change them.`,
    'zh-CN': `在“${zh}”阶段这些字段已锁定：${fields.join('、')}。如需修改，请先将记录移出“${zh}”阶段（例如重新打开）。`,
  };
}

/**
 * A failed guard's message by language: the transition's own message (a string, or by
 * language), else the explanation's sentence in English and a Chinese sentence.
 *
 * @example
 * ```ts
 * guardMessage({ en: 'Too early.', 'zh-CN': '太早了。' }, 'x')['zh-CN']; // '太早了。'
 * ```
 */
export function guardMessage(message: LocalizableText, sentence: string): LocalizableText {
  if (typeof message === 'object') return message;
  return message === sentence ? { en: sentence, 'zh-CN': `不满足此转换的条件：${sentence}` } : message;
}

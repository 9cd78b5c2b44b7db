import { missingLocales, TEXT_LOCALES } from '../i18n/text';
import type { ProcessDefinition } from './types';

/** The user-visible members of a process document: the process's, each stage's, each transition's. */
export const PROCESS_TEXT_MEMBERS = { process: ['label', 'description'], stage: ['label', 'description', 'guidance'], transition: ['label', 'guardMessage'] } as const;

/**
 * The user-visible texts of a process that lack a language (ADR 019), as `<pointer> (<locale>)`;
 * a plain string counts as English only. `plugin check` lists them for a plugin's processes.
 *
 * @example
 * ```ts
 * untranslatedProcessTexts({ ...def, label: 'Deals' }); // ['/label (zh-CN)']
 * ```
 */
export function untranslatedProcessTexts(def: Pick<ProcessDefinition, 'label' | 'description' | 'stages' | 'transitions'>, locales: readonly string[] = TEXT_LOCALES): string[] {
  const gaps: string[] = [];
  const check = (owner: object, keys: readonly string[], at: string) => {
    for (const k of keys) {
      const v = (owner as Record<string, unknown>)[k];
      if (typeof v !== 'string' && (typeof v !== 'object' || v === null)) continue;
      for (const l of missingLocales(v as string, locales)) gaps.push(`${at}/${k} (${l})`);
    }
  };
  check(def, PROCESS_TEXT_MEMBERS.process, '');
  (def.stages ?? []).forEach((s, i) => check(s, PROCESS_TEXT_MEMBERS.stage, `/stages/${i}`));
  (def.transitions ?? []).forEach((t, i) => check(t, PROCESS_TEXT_MEMBERS.transition, `/transitions/${i}`));
  return gaps;
}

/**
 * The rule library as the studio calls it (`runtime/src/http/routes/rule-library.ts`, ADR 032):
 * saved, named rules with immutable versions, and what uses them.
 */
import type { SavedRuleName as RuleName, SavedRuleSummary, SavedRuleView } from '@pipewright/core/api';
import { request } from './client';

export type { RuleName, SavedRuleSummary };

/**
 * A rule's name in the reader's language (English when there is no Chinese one).
 *
 * @example
 * ```ts
 * ruleName({ en: 'Big deal', 'zh-CN': '大单' }, 'zh-CN'); // '大单'
 * ```
 */
export const ruleName = (name: RuleName, language: string): string => (language.startsWith('zh') ? (name['zh-CN'] ?? name.en) : name.en);

/** A saved rule with its versions, newest first. */
export type SavedRule = SavedRuleView;

/** One use of a saved rule (a process draft or version, another rule, a record). */
export interface RuleUse {
  kind: 'process' | 'rule' | 'record';
  process?: string;
  draft?: boolean;
  version?: number;
  pinned?: number;
  rule?: string;
  type?: string;
  record?: string;
  pointer: string;
  via?: string;
}

/**
 * The saved rules, optionally those matching `q`.
 *
 * @example
 * ```ts
 * const rules = await listSavedRules('discount');
 * ```
 */
export async function listSavedRules(q?: string, signal?: AbortSignal): Promise<SavedRuleSummary[]> {
  const query = q ? `?q=${encodeURIComponent(q)}` : '';
  return (await request<{ items: SavedRuleSummary[] }>('GET', `/api/rules${query}`, signal ? { signal } : {})).items;
}

/** One saved rule with its versions. */
export function getSavedRule(id: string, signal?: AbortSignal): Promise<SavedRule> {
  return request('GET', `/api/rules/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

/** Saves a new rule as version 1. */
export function createSavedRule(body: { id: string; name: RuleName; entity?: string | null; description?: string | null; logic: unknown; note?: string }): Promise<SavedRule> {
  return request('POST', '/api/rules', { json: body });
}

/** Saves the next version of a rule read at `version` (409 when someone saved since). */
export function updateSavedRule(id: string, body: { version: number; name?: RuleName; entity?: string | null; description?: string | null; logic: unknown; note?: string }): Promise<SavedRule> {
  return request('PUT', `/api/rules/${encodeURIComponent(id)}`, { json: body });
}

/** What uses a saved rule. */
export async function savedRuleUsedBy(id: string, signal?: AbortSignal): Promise<RuleUse[]> {
  return (await request<{ items: RuleUse[] }>('GET', `/api/rules/${encodeURIComponent(id)}/used-by`, signal ? { signal } : {})).items;
}

/** Renames a rule (its names and description; the id and the versions stay). */
export function renameSavedRule(id: string, body: { name?: RuleName; description?: string | null }): Promise<SavedRule> {
  return request('PATCH', `/api/rules/${encodeURIComponent(id)}`, { json: body });
}

/** Deletes a rule and its versions (409 `rule.in-use`, naming the uses, while anything uses it). */
export async function deleteSavedRule(id: string): Promise<void> {
  await request('DELETE', `/api/rules/${encodeURIComponent(id)}`);
}

/**
 * The rule API as the studio calls it (`runtime/src/http/routes/rules.ts`): the server's
 * operator allowlist (company plugins' operators included) and evaluation on the server for
 * rules that use operators whose code only the runtime has.
 */
import type { RuleExplainView, RuleOperatorInfo } from '@pipewright/core/api';
import { request } from './client';

export type { RuleOperatorInfo };

/**
 * Every operator the server accepts in a rule.
 *
 * @example
 * ```ts
 * const names = (await fetchRuleOperators()).map((o) => o.name);
 * ```
 */
export async function fetchRuleOperators(signal?: AbortSignal): Promise<RuleOperatorInfo[]> {
  return (await request<{ items: RuleOperatorInfo[] }>('GET', '/api/rules/operators', signal ? { signal } : {})).items;
}

/**
 * Evaluates a rule on a sample record on the server and explains it (`POST /api/rules/explain`).
 *
 * @example
 * ```ts
 * const { explanation } = await explainOnServer({ rule, entity: 'acme.ticket', data: sample });
 * ```
 */
export function explainOnServer(body: { rule: unknown; entity?: string; data: unknown; now?: string }, signal?: AbortSignal): Promise<RuleExplainView> {
  return request('POST', '/api/rules/explain', { json: body, ...(signal ? { signal } : {}) });
}

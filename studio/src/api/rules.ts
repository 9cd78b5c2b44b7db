/**
 * The rule API as the studio calls it (`runtime/src/http/routes/rules.ts`): the server's
 * operator allowlist (company plugins' operators included) and evaluation on the server for
 * rules that use operators whose code only the runtime has.
 */
import type { ExplainNode } from '@pipewright/core';
import { request } from './client';

/** One operator of `GET /api/rules/operators`. */
export interface OperatorInfo {
  name: string;
  /** `jsonlogic`, `sales` or the contributing plugin's id. */
  owner: string;
  builtin: boolean;
  title?: string;
  description?: string;
  signature: { params: string[]; rest?: string; minArgs?: number; returns: string };
}

/**
 * Every operator the server accepts in a rule.
 *
 * @example
 * ```ts
 * const names = (await fetchRuleOperators()).map((o) => o.name);
 * ```
 */
export async function fetchRuleOperators(signal?: AbortSignal): Promise<OperatorInfo[]> {
  return (await request<{ items: OperatorInfo[] }>('GET', '/api/rules/operators', signal ? { signal } : {})).items;
}

/**
 * Evaluates a rule on a sample record on the server and explains it (`POST /api/rules/explain`).
 *
 * @example
 * ```ts
 * const { explanation } = await explainOnServer({ rule, entity: 'pipeline.deal', data: sample });
 * ```
 */
export function explainOnServer(body: { rule: unknown; entity?: string; data: unknown }, signal?: AbortSignal): Promise<{ value: unknown; passed: boolean; explanation: ExplainNode }> {
  return request('POST', '/api/rules/explain', { json: body, ...(signal ? { signal } : {}) });
}

import type { RuleNode } from './types';
export interface Explanation { value: unknown }
export function explain(rule: unknown, data: unknown): Explanation { void rule; void data; const n: RuleNode | undefined = undefined; void n; return { value: undefined }; }

import { ruleReferences, type ProcessDefinition } from '@pipewright/core';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { json, latestRules, processRules, type RuleSet } from './saved-rules';


/** Where a saved rule is used: a process draft or published version, another saved rule, or a record (a scoring indicator, a grading rule kept as data). */
export type RuleUse =
  | { kind: 'process'; process: string; draft: true; pointer: string; via?: string }
  | { kind: 'process'; process: string; version: number; pinned: number; pointer: string; via?: string }
  | { kind: 'rule'; rule: string; pointer: string }
  | { kind: 'record'; type: string; record: string; pinned?: number; pointer: string; via?: string };

/** Records listed at most (a rule used more widely says so with `truncated`). */
const MAX_RECORDS = 200;

/** The saved rules that reach `id` through references, each with the rule it references on the way. */
function dependents(rules: RuleSet, id: string): Map<string, string> {
  const out = new Map<string, string>([[id, id]]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [other, r] of rules) {
      if (out.has(other)) continue;
      const hit = ruleReferences(r.logic).find((ref) => out.has(ref.id));
      if (hit) {
        out.set(other, hit.id);
        grew = true;
      }
    }
  }
  return out;
}

/**
 * Everything that uses saved rule `id` (ADR 032), directly or through other saved rules (`via`
 * names the saved rule referenced): process drafts and published versions (guards and approval
 * conditions; a version says which version of the rule it pinned), other saved rules, and
 * records of any entity whose body holds a `{"rule": ...}` reference (scorecard indicators,
 * grading rules kept as records), found by a jsonpath query, with the version the record pinned
 * when its body keeps pins in `rule_versions`.
 *
 * @example
 * ```ts
 * await ruleUsedBy(db, 'big-discount');
 * // { items: [{ kind: 'process', process: 'new_business', version: 3, pinned: 2, pointer: '/transitions/1/guard/and/0' }], truncated: false }
 * ```
 */
export async function ruleUsedBy(db: Kysely<Database>, id: string): Promise<{ items: RuleUse[]; truncated: boolean }> {
  const rules = await latestRules(db);
  const reach = dependents(rules, id);
  const hits = (logic: unknown, pointer: string) => ruleReferences(logic, pointer).filter((r) => reach.has(r.id)).map((r) => ({ pointer: r.pointer, ...(r.id !== id ? { via: r.id } : {}) }));
  const items: RuleUse[] = [];
  for (const [other, r] of rules) {
    if (other === id) continue;
    for (const ref of ruleReferences(r.logic, '/logic')) if (ref.id === id) items.push({ kind: 'rule', rule: other, pointer: ref.pointer });
  }
  const drafts = await db.selectFrom('process_definitions').select(['id', 'draft']).orderBy('id').execute();
  for (const d of drafts) for (const r of processRules(json<ProcessDefinition>(d.draft))) for (const h of hits(r.logic, r.pointer)) items.push({ kind: 'process', process: d.id, draft: true, ...h });
  const versions = await db.selectFrom('process_versions').select(['process_id', 'version', 'definition', 'rules']).where(sql<boolean>`rules ?| ${sql.val([...reach.keys()])}::text[]`).orderBy('process_id').orderBy('version').execute();
  for (const v of versions) {
    const pinned = json<Record<string, number>>(v.rules)[id];
    if (pinned === undefined) continue;
    for (const r of processRules(json<ProcessDefinition>(v.definition))) for (const h of hits(r.logic, r.pointer)) items.push({ kind: 'process', process: v.process_id, version: v.version, pinned, ...h });
  }
  const records = await db
    .selectFrom('records')
    .select(['id', 'type', 'data'])
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`jsonb_path_exists(data, 'lax $.**.rule ? (@ == $ids[*])', jsonb_build_object('ids', ${JSON.stringify([...reach.keys()])}::jsonb))`)
    .orderBy('type')
    .orderBy('id')
    .limit(MAX_RECORDS + 1)
    .execute();
  for (const r of records.slice(0, MAX_RECORDS)) {
    const data = json<Record<string, unknown>>(r.data);
    // A record that pins what it references keeps the versions in `rule_versions` (id to version).
    const pins = typeof data.rule_versions === 'object' && data.rule_versions !== null ? (data.rule_versions as Record<string, unknown>) : {};
    const pinned = typeof pins[id] === 'number' ? { pinned: pins[id] } : {};
    for (const h of hits(data, '/data')) items.push({ kind: 'record', type: r.type, record: r.id, ...pinned, ...h });
  }
  return { items, truncated: records.length > MAX_RECORDS };
}

/**
 * A use, as a person reads it, in English and Chinese (what a refused delete names).
 *
 * @example
 * ```ts
 * describeUse({ kind: 'process', process: 'new_business', version: 3, pinned: 2, pointer: '/transitions/1/guard' });
 * // { en: 'process "new_business" version 3', 'zh-CN': '流程 "new_business" 第 3 版' }
 * ```
 */
export function describeUse(u: RuleUse): { en: string; 'zh-CN': string } {
  const via = u.kind !== 'rule' && u.via ? { en: ` (through "${u.via}")`, zh: `（经由 "${u.via}"）` } : { en: '', zh: '' };
  if (u.kind === 'rule') return { en: `saved rule "${u.rule}"`, 'zh-CN': `已保存规则 "${u.rule}"` };
  if (u.kind === 'record') return { en: `${u.type} record ${u.record}${via.en}`, 'zh-CN': `${u.type} 记录 ${u.record}${via.zh}` };
  if ('draft' in u) return { en: `the draft of process "${u.process}"${via.en}`, 'zh-CN': `流程 "${u.process}" 的草稿${via.zh}` };
  return { en: `process "${u.process}" version ${u.version}${via.en}`, 'zh-CN': `流程 "${u.process}" 第 ${u.version} 版${via.zh}` };
}

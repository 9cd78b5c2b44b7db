import { PipewrightError, ValidationError } from '@pipewright/plugin-sdk';
import type { PluginRecord, PluginServices, RecordChange } from '@pipewright/plugin-sdk';
import declarations from '../../dedupe.json' with { type: 'json' };
import { normalise, type Normaliser } from './normalise';

/** One match key of an entity (see dedupe.json). */
export interface MatchKey {
  field: string;
  from: string[];
  normalise: Normaliser;
  match: 'exact' | 'similar';
  /** Similar keys: a candidate whose trigram similarity reaches this is the same. */
  threshold?: number;
  /** Similar keys: the lowest similarity the index search returns (default: threshold). */
  searchThreshold?: number;
  /** Similar keys: a candidate at most this many edits away (Damerau-Levenshtein) is the same too, typos in short names... */
  maxEdits?: number;
  /** ...when both keys are at least this long (default 5). */
  minLengthForEdits?: number;
}

export type DedupePolicy = 'block' | 'warn' | 'reason';

/** How one entity is kept free of duplicates. */
export interface EntityMatching {
  policy: DedupePolicy;
  exactLeftTo?: string;
  keys: MatchKey[];
}

export interface DedupeDeclarations {
  defaultCountry: string;
  entities: Record<string, EntityMatching>;
}

/** A record that looks like the one being written. */
export interface Candidate {
  id: string;
  type: string;
  title: string;
  /** The key that matched and how closely (1 for exact keys). */
  field: string;
  similarity: number;
  owner: string | null;
}

const NORMALISERS = new Set(['company', 'person', 'email', 'phone', 'text']);

/**
 * Checks the declarations (dedupe.json) and returns them typed; a bad one names its pointer.
 *
 * @example
 * ```ts
 * const d = checkDeclarations(JSON.parse(text));
 * ```
 */
export function checkDeclarations(raw: unknown): DedupeDeclarations {
  const fail = (pointer: string, message: string): never => {
    throw new ValidationError({ code: 'crm.dedupe-invalid', message: `dedupe.json ${pointer}: ${message}`, details: [{ pointer, message }] });
  };
  const d = raw as Partial<DedupeDeclarations>;
  if (typeof d !== 'object' || d === null) return fail('', 'must be an object');
  if (typeof d.defaultCountry !== 'string' || !/^[A-Z]{2}$/.test(d.defaultCountry)) fail('/defaultCountry', 'must be an ISO 3166 country code such as CN');
  if (typeof d.entities !== 'object' || d.entities === null) return fail('/entities', 'must be an object');
  for (const [type, m] of Object.entries(d.entities)) {
    const at = `/entities/${type}`;
    if (!['block', 'warn', 'reason'].includes(m.policy)) fail(`${at}/policy`, 'must be block, warn or reason');
    if (!Array.isArray(m.keys) || m.keys.length === 0) fail(`${at}/keys`, 'must list at least one key');
    m.keys.forEach((k, i) => {
      if (!/^[a-z][a-z0-9_]*$/.test(k.field)) fail(`${at}/keys/${i}/field`, 'must be a field name');
      if (!Array.isArray(k.from) || k.from.length === 0) fail(`${at}/keys/${i}/from`, 'must name at least one field');
      if (!NORMALISERS.has(k.normalise)) fail(`${at}/keys/${i}/normalise`, 'must be company, person, email, phone or text');
      if (k.match !== 'exact' && k.match !== 'similar') fail(`${at}/keys/${i}/match`, 'must be exact or similar');
      if (k.match === 'similar' && !(typeof k.threshold === 'number' && k.threshold > 0 && k.threshold <= 1)) fail(`${at}/keys/${i}/threshold`, 'must be above 0 and at most 1');
      if (k.searchThreshold !== undefined && !(typeof k.searchThreshold === 'number' && k.searchThreshold > 0 && k.searchThreshold <= (k.threshold ?? 1))) fail(`${at}/keys/${i}/searchThreshold`, 'must be above 0 and at most threshold');
      if (k.maxEdits !== undefined && !(Number.isInteger(k.maxEdits) && k.maxEdits >= 0 && k.maxEdits <= 3)) fail(`${at}/keys/${i}/maxEdits`, 'must be an integer from 0 to 3');
      if (k.minLengthForEdits !== undefined && !(Number.isInteger(k.minLengthForEdits) && k.minLengthForEdits >= 1)) fail(`${at}/keys/${i}/minLengthForEdits`, 'must be a positive integer');
    });
  }
  return d as DedupeDeclarations;
}

/**
 * The crm plugin's declarations (plugins/crm/dedupe.json), checked when the plugin loads. Imported
 * as a JSON module, so the packed SDK's bundle carries them (a path read at run time would point
 * into the bundle's chunks).
 */
export const DEDUPE = checkDeclarations(structuredClone(declarations) as unknown);

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The keys of a body under its entity's declaration (field -> key, '' for none). */
export function keysOf(matching: EntityMatching, data: Record<string, unknown>, defaultCountry = DEDUPE.defaultCountry): Record<string, string> {
  return Object.fromEntries(matching.keys.map((k) => [k.field, normalise(k.normalise, k.from.map((f) => text(data[f])), { defaultCountry })]));
}

const titleOf = (r: PluginRecord): string => {
  const d = r.data;
  if (typeof d.name === 'string') return d.name;
  const person = [d.first_name, d.last_name].filter((x) => typeof x === 'string').join(' ');
  return person || text(d.email) || r.id;
};

/**
 * The records that look like `data` by any of the changed keys: visible ones with their title,
 * hidden ones only counted. Exact keys use the key field's equality (and its trigram index at
 * similarity 1 for records the caller cannot see); similar keys pg_trgm at the key's threshold.
 */
export async function findCandidates(s: PluginServices, type: string, matching: EntityMatching, keys: Record<string, string>, data: Record<string, unknown>, self: string | null): Promise<{ visible: Candidate[]; hidden: number }> {
  const visible = new Map<string, Candidate>();
  const hidden = new Set<string>();
  for (const k of matching.keys) {
    const key = keys[k.field] ?? '';
    if (key === '') continue;
    const threshold = k.match === 'exact' ? 1 : (k.searchThreshold ?? (k.threshold as number));
    const hits = await s.records.similar(type, k.field, key, { threshold, limit: 10, includeHidden: true, ...(self ? { exclude: self } : {}) });
    for (const hit of hits) {
      if (!isSame(k, key, hit.value, hit.similarity)) continue;
      if (hit.hidden) {
        hidden.add(hit.id);
        continue;
      }
      // An equal value of a uniquely indexed field is the unique index's to refuse (409 record.duplicate).
      if (matching.exactLeftTo && hit.data[matching.exactLeftTo] === data[matching.exactLeftTo]) continue;
      const prior = visible.get(hit.id);
      if (!prior || prior.similarity < hit.similarity) visible.set(hit.id, { id: hit.id, type, title: titleOf(hit), field: k.field, similarity: Math.round(hit.similarity * 1000) / 1000, owner: hit.owner });
    }
  }
  for (const id of visible.keys()) hidden.delete(id);
  return { visible: [...visible.values()].sort((a, b) => b.similarity - a.similarity), hidden: hidden.size };
}

/**
 * Whether a key found by the index search is the same as `key`: equal (exact keys), or similar
 * enough, or (with `maxEdits`) a few typing errors away.
 */
export function isSame(k: MatchKey, key: string, other: string, similarity: number): boolean {
  if (k.match === 'exact') return other === key;
  if (similarity >= (k.threshold as number)) return true;
  if (k.maxEdits === undefined) return false;
  const min = k.minLengthForEdits ?? 5;
  return key.length >= min && other.length >= min && editDistance(key, other, k.maxEdits) <= k.maxEdits;
}

/**
 * Damerau-Levenshtein distance (optimal string alignment) between two keys, stopping early once
 * it is above `cap` (returns cap + 1 then).
 *
 * @example
 * ```ts
 * editDistance('isdom', 'isdmo', 2); // 1
 * ```
 */
export function editDistance(a: string, b: string, cap = Infinity): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > cap) return cap + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, (prev2[j - 2] as number) + 1);
      row.push(v);
      best = Math.min(best, v);
    }
    if (best > cap) return cap + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[y.length] as number;
}

/** What a write may carry to pass a warn or reason policy (a body member the hook consumes and keeps as the audit). */
interface Override {
  confirm?: boolean;
  reason?: string;
}

/** No NUL and no lone surrogate (what the entity schema's text check refuses). */
const wellFormed = (s: string): boolean => !/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The beforeChange step of duplicate prevention: stores the match keys in the body and, when a
 * key changed, looks for candidates and applies the entity's policy. A write that passes a warn
 * or reason policy keeps `dedupe_override` in the body (confirm or reason, the candidates, who
 * and when), so the record's events are the audit. A write that does not touch the fields a key
 * is made from only fills the key (records imported without hooks) and is not refused, nor is
 * the crm plugin's own maintenance job.
 */
export async function dedupeBeforeChange(change: RecordChange, s: PluginServices, decl: DedupeDeclarations = DEDUPE): Promise<Record<string, unknown> | undefined> {
  const matching = decl.entities[change.type];
  if (!matching || change.operation === 'delete') return undefined;
  const data: Record<string, unknown> = { ...change.data };
  // Text the entity schema will refuse (NUL, a lone surrogate, not a string) is left to it: its 422 names the field.
  const fields = matching.keys.flatMap((k) => k.from);
  if (fields.some((f) => data[f] !== undefined && (typeof data[f] !== 'string' || !wellFormed(data[f] as string)))) return data;
  const keys = keysOf(matching, data, decl.defaultCountry);
  const changed: Record<string, string> = {};
  for (const [field, key] of Object.entries(keys)) {
    if (key === '') delete data[field];
    else data[field] = key;
    // Judged when the write makes or changes what the key is made from: a write that only fills
    // the key of a record imported without one (another plugin's summary, the maintenance job) is not.
    const from = matching.keys.find((k) => k.field === field)?.from ?? [];
    const sourceChanged = !change.before || from.some((f) => !same(change.before?.data[f], data[f]));
    if (key !== '' && change.before?.data[field] !== key && sourceChanged) changed[field] = key;
  }
  const override = data.dedupe_override as Override | undefined;
  const prior = change.before?.data.dedupe_override;
  const fresh = override !== undefined && !same(override, prior);
  // An override applies to the write that carries it: otherwise the record keeps the one it had.
  const keepPrior = () => {
    if (prior === undefined) delete data.dedupe_override;
    else data.dedupe_override = prior;
  };
  if (Object.keys(changed).length === 0 || s.caller.id === `system:plugin:${s.plugin}`) {
    if (fresh) keepPrior();
    return data;
  }
  const found = await findCandidates(s, change.type, matching, changed, data, change.before?.id ?? null);
  if (found.visible.length === 0 && found.hidden === 0) {
    if (fresh) keepPrior();
    return data;
  }
  const reason = typeof override?.reason === 'string' ? override.reason.trim() : '';
  const accepted = fresh && ((matching.policy === 'warn' && override?.confirm === true) || (matching.policy === 'reason' && reason !== ''));
  if (!accepted) throw duplicateProblem(change.type, matching, found);
  data.dedupe_override = {
    ...(matching.policy === 'warn' ? { confirm: true } : {}),
    ...(reason ? { reason } : {}),
    candidates: [...found.visible.map((c) => c.id)],
    hidden_candidates: found.hidden,
    by: s.caller.id,
    at: s.clock.now().toISOString(),
  };
  return data;
}

/**
 * 409 `crm.duplicate`: the write looks like records that exist. Names the fields the keys come
 * from, lists the candidates the caller may see and counts the others, and says what the policy
 * accepts (nothing, a confirmation or a reason).
 */
export function duplicateProblem(type: string, matching: EntityMatching, found: { visible: Candidate[]; hidden: number }): PipewrightError {
  const fields = [...new Set(matching.keys.filter((k) => found.visible.some((c) => c.field === k.field) || found.hidden > 0).flatMap((k) => k.from))];
  const names = found.visible.map((c) => `"${c.title}"`).join(', ');
  const others = found.hidden > 0 ? `${found.visible.length > 0 ? ' and ' : ''}${found.hidden} record(s) you cannot see` : '';
  const hiddenZh = found.hidden > 0 ? `${found.visible.length > 0 ? '以及' : ''}${found.hidden} 条您无权查看的记录` : '';
  const how = {
    block: { en: 'Open the existing record instead.', 'zh-CN': '请改用已有记录。' },
    warn: { en: 'To save it anyway, send it again with dedupe_override.confirm = true.', 'zh-CN': '如确认仍要保存，请在 dedupe_override.confirm 设为 true 后重新提交。' },
    reason: { en: 'To save it anyway, send it again with dedupe_override.reason saying why.', 'zh-CN': '如仍要保存，请在 dedupe_override.reason 中说明理由后重新提交。' },
  }[matching.policy];
  const en = `This ${type} record looks like ${names}${others}. ${how.en}`;
  const zh = `该 ${type} 记录与${found.visible.map((c) => `“${c.title}”`).join('、')}${hiddenZh}疑似重复。${how['zh-CN']}`;
  return new PipewrightError({
    code: 'crm.duplicate',
    status: 409,
    kind: 'user',
    message: en,
    localizedMessage: { en, 'zh-CN': zh },
    details: fields.map((f) => ({ pointer: `/data/${f}`, message: 'looks like an existing record', code: 'duplicate' })),
    extensions: { policy: matching.policy, candidates: found.visible, hiddenCandidates: found.hidden, accepts: matching.policy === 'block' ? null : matching.policy === 'warn' ? 'dedupe_override.confirm' : 'dedupe_override.reason' },
  });
}

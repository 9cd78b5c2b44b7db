import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStrictAjv } from '../test/strict-ajv';
import { SCHEMA_IDS } from './index';

type Json = Record<string, unknown>;

const pluginsDir = fileURLToPath(new URL('../../plugins', import.meta.url));
const BUILT_IN = ['crm', 'handoff', 'okr', 'pipeline', 'scorecard'];
const ajv = createStrictAjv();
const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

interface Manifest {
  id: string;
  dependsOn?: Record<string, string>;
  runtime?: string;
  contributes?: {
    entities?: string[];
    processes?: string[];
    rules?: string[];
    actionTypes?: { id: string }[];
    metrics?: { id: string; entity: string; measure: { field?: string; duration?: { from: string; to: string } }; time?: string; dimensions?: string[]; filter?: unknown }[];
  };
}
interface EntityDoc {
  id: string;
  stageful?: boolean;
  titleField?: string;
  schema: { properties: Record<string, Json>; required?: string[]; additionalProperties?: unknown };
  references?: Record<string, { entity: string; lookup?: string }>;
  indexes?: { fields: string[] }[];
  ui?: { listColumns?: string[]; searchFields?: string[]; form?: Json };
}
interface Stage { id: string; kind: string; requirements?: Json }
interface ProcessDoc {
  id: string;
  entity: string;
  initialStage: string;
  stages: Stage[];
  transitions?: { from: string | string[]; to: string; guard?: unknown; actions?: { type: string }[] }[];
  layout?: { nodes?: Record<string, unknown> };
}
interface RuleDoc { id: string; entity?: string; resultField?: string; logic: unknown }

const plugins = readdirSync(pluginsDir)
  .filter((d) => existsSync(join(pluginsDir, d, 'plugin.json')))
  .sort()
  .map((dir) => ({ dir, path: join(pluginsDir, dir), manifest: readJson(join(pluginsDir, dir, 'plugin.json')) as unknown as Manifest }));

/** Every entity of every plugin, by full id, for cross-plugin checks. */
const entities = new Map<string, EntityDoc>();
for (const p of plugins) {
  for (const file of p.manifest.contributes?.entities ?? []) {
    if (!existsSync(join(p.path, file))) continue;
    const doc = readJson(join(p.path, file)) as unknown as EntityDoc;
    entities.set(`${p.manifest.id}.${doc.id}`, doc);
  }
}
const actionTypes = new Set(plugins.flatMap((p) => (p.manifest.contributes?.actionTypes ?? []).map((a) => `${p.manifest.id}.${a.id}`)));

/** Top-level body fields a json-logic expression reads with `var` (skipping relative vars inside array operators). */
function varRoots(logic: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(logic)) logic.forEach((l) => varRoots(l, out));
  else if (logic && typeof logic === 'object') {
    const [op, args] = Object.entries(logic)[0] ?? [];
    if (op === 'var') {
      const path = Array.isArray(args) ? args[0] : args;
      if (typeof path === 'string' && path !== '') out.add(path.split('.')[0] as string);
    } else if (['map', 'filter', 'all', 'none', 'some', 'reduce'].includes(op as string) && Array.isArray(args)) {
      varRoots(args[0], out);
    } else varRoots(args, out);
  }
  return out;
}

const validateWith = (id: string, doc: unknown): unknown[] => {
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`no schema ${id}`);
  return validate(doc) ? [] : (validate.errors ?? []);
};

/** Members of a process document a user reads: the process's, each stage's and each transition's. */
const PROCESS_TEXTS = { process: ['label', 'description'], stage: ['label', 'description', 'guidance'], transition: ['label', 'guardMessage'] } as const;

/**
 * Pointers of the user-visible texts of a process document that are not given both in English
 * and in Simplified Chinese (a plain string counts as one language only).
 */
function untranslatedProcessTexts(doc: Json): string[] {
  const gaps: string[] = [];
  const check = (owner: Json, keys: readonly string[], at: string) => {
    for (const k of keys) {
      const v = owner[k];
      if (v === undefined) continue;
      const byLocale = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
      for (const lang of ['en', 'zh-CN']) if (typeof byLocale[lang] !== 'string' || byLocale[lang] === '') gaps.push(`${at}/${k} (${lang})`);
    }
  };
  check(doc, PROCESS_TEXTS.process, '');
  ((doc.stages ?? []) as Json[]).forEach((s, i) => check(s, PROCESS_TEXTS.stage, `/stages/${i}`));
  ((doc.transitions ?? []) as Json[]).forEach((t, i) => check(t, PROCESS_TEXTS.transition, `/transitions/${i}`));
  return gaps;
}

describe('untranslatedProcessTexts', () => {
  it('names every text given in one language only', () => {
    const doc = { label: 'Mini', stages: [{ id: 'a', label: { en: 'A', 'zh-CN': '甲' } }, { id: 'w', label: { en: 'Won' }, guidance: { en: 'x', 'zh-CN': '' } }], transitions: [{ label: { en: 'Go', 'zh-CN': '走' }, guardMessage: 'No.' }] };
    expect(untranslatedProcessTexts(doc)).toEqual(['/label (en)', '/label (zh-CN)', '/stages/1/label (zh-CN)', '/stages/1/guidance (zh-CN)', '/transitions/0/guardMessage (en)', '/transitions/0/guardMessage (zh-CN)']);
  });
});

describe('built-in plugins', () => {
  it('are all present, each in a folder named after its id', () => {
    expect(plugins.map((p) => p.dir)).toEqual(expect.arrayContaining(BUILT_IN));
    for (const p of plugins) expect(p.manifest.id).toBe(p.dir);
  });

  it('depend only on known plugins, without cycles', () => {
    const ids = new Set(plugins.map((p) => p.manifest.id));
    const deps = new Map(plugins.map((p) => [p.manifest.id, Object.keys(p.manifest.dependsOn ?? {})]));
    const visit = (id: string, path: string[]): void => {
      expect(path, `cycle ${[...path, id].join(' -> ')}`).not.toContain(id);
      for (const d of deps.get(id) ?? []) {
        expect(ids.has(d), `${id} depends on unknown ${d}`).toBe(true);
        visit(d, [...path, id]);
      }
    };
    for (const id of ids) visit(id, []);
  });
});

for (const p of plugins) {
  const m = p.manifest;
  describe(`plugin ${p.dir}`, () => {
    it('has a valid manifest whose files exist', () => {
      expect(validateWith(SCHEMA_IDS.pluginManifest, m)).toEqual([]);
      const c = m.contributes ?? {};
      for (const file of [...(c.entities ?? []), ...(c.processes ?? []), ...(c.rules ?? [])]) {
        expect(existsSync(join(p.path, file)), `${file} exists`).toBe(true);
      }
      if (m.runtime) expect(existsSync(join(p.path, m.runtime)), `${m.runtime} exists`).toBe(true);
    });

    it('declares metrics over known entities and fields', () => {
      for (const metric of m.contributes?.metrics ?? []) {
        const entity = entities.get(metric.entity);
        expect(entity, `metric ${metric.id}: entity ${metric.entity}`).toBeDefined();
        const fields = [...Object.keys(entity?.schema.properties ?? {}), 'createdAt', 'updatedAt'];
        const named = [metric.measure.field, metric.measure.duration?.from, metric.measure.duration?.to, metric.time, ...(metric.dimensions ?? [])];
        for (const f of named) if (f) expect(fields, `metric ${metric.id}`).toContain(f);
        for (const f of varRoots(metric.filter)) expect(fields, `metric ${metric.id} filter`).toContain(f);
      }
    });

    for (const file of m.contributes?.entities ?? []) {
      it(`entity ${file} is valid, compiles strictly and its hints name real fields`, () => {
        const doc = readJson(join(p.path, file));
        expect(validateWith(SCHEMA_IDS.entity, doc)).toEqual([]);
        const entity = doc as unknown as EntityDoc;
        expect(file).toBe(`schemas/${entity.id.replace(/_/g, '-')}.schema.json`);
        expect(() => ajv.compile(entity.schema)).not.toThrow();
        expect(entity.schema.additionalProperties).toBe(false);
        const fields = Object.keys(entity.schema.properties);
        expect(fields, 'owner is a system column').not.toContain('owner');
        const named = [
          ...(entity.titleField ? [entity.titleField] : []),
          ...Object.keys(entity.references ?? {}),
          ...(entity.indexes ?? []).flatMap((i) => i.fields),
          ...(entity.ui?.listColumns ?? []),
          ...(entity.ui?.searchFields ?? []),
        ];
        for (const f of named) expect(fields, `${file} names ${f}`).toContain(f);
        for (const [field, r] of Object.entries(entity.references ?? {})) {
          const target = entities.get(r.entity);
          expect(target, `${field} references ${r.entity}`).toBeDefined();
          if (r.lookup) expect(Object.keys(target?.schema.properties ?? {}), `${field} lookup`).toContain(r.lookup);
        }
      });
    }

    for (const file of m.contributes?.processes ?? []) {
      it(`process ${file} is valid and consistent with its entity`, () => {
        const doc = readJson(join(p.path, file));
        expect(validateWith(SCHEMA_IDS.process, doc)).toEqual([]);
        const proc = doc as unknown as ProcessDoc;
        const entity = entities.get(proc.entity);
        expect(entity?.stageful, `${proc.entity} is a stageful entity`).toBe(true);
        const fields = Object.keys(entity?.schema.properties ?? {});
        const stageIds = proc.stages.map((s) => s.id);
        expect(new Set(stageIds).size, 'unique stage ids').toBe(stageIds.length);
        expect(proc.stages.find((s) => s.id === proc.initialStage)?.kind).toBe('open');
        for (const stage of proc.stages) {
          if (!stage.requirements) continue;
          expect(() => ajv.compile(stage.requirements as object), `${stage.id} requirements compile strictly`).not.toThrow();
          const required = (stage.requirements.required ?? []) as string[];
          for (const f of [...required, ...Object.keys((stage.requirements.properties ?? {}) as Json)]) {
            expect(fields, `${stage.id} requires ${f}`).toContain(f);
          }
        }
        for (const t of proc.transitions ?? []) {
          for (const from of [t.from].flat()) if (from !== '*') expect(stageIds).toContain(from);
          expect(stageIds).toContain(t.to);
          for (const f of varRoots(t.guard)) expect(fields, `guard of ${String(t.from)} -> ${t.to}`).toContain(f);
          for (const a of t.actions ?? []) {
            expect(a.type.startsWith('core.') || actionTypes.has(a.type), `action type ${a.type} is core or contributed`).toBe(true);
          }
        }
        for (const node of Object.keys(proc.layout?.nodes ?? {})) expect(stageIds).toContain(node);
      });

      it(`process ${file} gives every user-visible text in en and zh-CN`, () => {
        expect(untranslatedProcessTexts(readJson(join(p.path, file)))).toEqual([]);
      });
    }

    for (const file of m.contributes?.rules ?? []) {
      it(`rule ${file} is valid and reads real fields`, () => {
        const doc = readJson(join(p.path, file));
        expect(validateWith(SCHEMA_IDS.rule, doc)).toEqual([]);
        const rule = doc as unknown as RuleDoc;
        if (!rule.entity) return;
        const fields = Object.keys(entities.get(rule.entity)?.schema.properties ?? {});
        expect(fields.length, `${rule.entity} exists`).toBeGreaterThan(0);
        for (const f of varRoots(rule.logic)) expect(fields, `rule reads ${f}`).toContain(f);
        if (rule.resultField) expect(fields).toContain(rule.resultField);
      });
    }
  });
}

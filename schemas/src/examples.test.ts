import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStrictAjv } from '../test/strict-ajv';
import { SCHEMA_IDS, schemaDocuments } from './index';

const schemasDir = fileURLToPath(new URL('..', import.meta.url));
const examplesDir = join(schemasDir, 'examples');
const ajv = createStrictAjv();

interface Example {
  file: string;
  valid: boolean;
  data: unknown;
}

/** Example files of one folder; every file must be named valid-*.json or invalid-*.json. */
function examplesIn(dir: string): Example[] {
  return readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort()
    .map((file) => {
      const match = /^(valid|invalid)-[a-z0-9-]+\.json$/.exec(file);
      if (!match) throw new Error(`${dir}/${file}: example files are named valid-*.json or invalid-*.json`);
      return { file, valid: match[1] === 'valid', data: JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown };
    });
}

const schemaName = (id: string): string => id.slice(id.lastIndexOf('/') + 1).replace(/\.schema\.json$/, '');

describe('schema documents', () => {
  it('exports every schema file of the folder, with SCHEMA_IDS matching their $id', () => {
    const files = readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort();
    expect(schemaDocuments.map((d) => schemaName(d.$id) + '.schema.json').sort()).toEqual(files);
    expect(Object.values(SCHEMA_IDS).sort()).toEqual(schemaDocuments.map((d) => d.$id).sort());
    for (const doc of schemaDocuments) {
      expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(doc.$id).toMatch(/^https:\/\/pipewright\.dev\/schemas\/[a-z-]+\.schema\.json$/);
    }
  });

  it('has an examples folder for every schema and none for unknown schemas', () => {
    const folders = readdirSync(examplesDir).filter((f) => statSync(join(examplesDir, f)).isDirectory()).sort();
    expect(folders).toEqual(schemaDocuments.map((d) => schemaName(d.$id)).sort());
  });
});

for (const doc of schemaDocuments) {
  const name = schemaName(doc.$id);
  const dir = join(examplesDir, name);

  describe(`${name}.schema.json`, () => {
    it('compiles under strict Ajv2020', () => {
      expect(ajv.getSchema(doc.$id)).toBeTypeOf('function');
    });

    // Examples at the folder root are validated against the schema itself; a subfolder
    // `<def>/` holds examples of `$defs/<def>` (used by types.schema.json, which has no root shape).
    const groups: { target: string; label: string; examples: Example[] }[] = [];
    const rootExamples = examplesIn(dir);
    if (rootExamples.length > 0) groups.push({ target: doc.$id, label: '', examples: rootExamples });
    for (const sub of readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory()).sort()) {
      groups.push({ target: `${doc.$id}#/$defs/${sub}`, label: `${sub}/`, examples: examplesIn(join(dir, sub)) });
    }
    const all = groups.flatMap((g) => g.examples);

    it('has at least 2 valid and 3 invalid examples', () => {
      expect(all.filter((e) => e.valid).length).toBeGreaterThanOrEqual(2);
      expect(all.filter((e) => !e.valid).length).toBeGreaterThanOrEqual(3);
      for (const g of groups.filter((g) => g.label)) {
        expect(g.examples.some((e) => e.valid), `${g.label} needs a valid example`).toBe(true);
        expect(g.examples.some((e) => !e.valid), `${g.label} needs an invalid example`).toBe(true);
      }
    });

    for (const group of groups) {
      for (const example of group.examples) {
        it(`${example.valid ? 'accepts' : 'rejects'} ${group.label}${example.file}`, () => {
          const validate = ajv.getSchema(group.target);
          if (!validate) throw new Error(`no schema ${group.target}`);
          const ok = validate(example.data);
          if (example.valid) expect(validate.errors ?? [], 'unexpected errors').toEqual([]);
          expect(ok).toBe(example.valid);
        });
      }
    }
  });
}

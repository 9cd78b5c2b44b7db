import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Tests, benchmarks, the demo seed and fixtures may name built-in entities (issue 12). */
const ALLOWED = /(\.test\.tsx?$|\.test-support\.tsx?$|\/test\/|\/bench\/|\/demo\/|\/fixtures\/)/;

/** Every entity the built-in plugins declare, as `<plugin>.<id>`. */
function builtInEntities(): string[] {
  const ids: string[] = [];
  for (const name of readdirSync(join(ROOT, 'plugins'))) {
    const manifestFile = join(ROOT, 'plugins', name, 'plugin.json');
    let manifest: { id: string; contributes?: { entities?: string[] } };
    try {
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as typeof manifest;
    } catch {
      continue;
    }
    for (const file of manifest.contributes?.entities ?? []) {
      const entity = JSON.parse(readFileSync(join(dirname(manifestFile), file), 'utf8')) as { id: string };
      ids.push(`${manifest.id}.${entity.id}`);
    }
  }
  return ids.sort();
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.tsbuild' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

/** `file:line: entity` for each mention of a built-in entity in the platform's source under `root`. */
function mentions(root: string, entities: string[]): string[] {
  const pattern = new RegExp(`(?<![\\w.])(${entities.map((e) => e.replace('.', '\\.')).join('|')})(?![\\w])`, 'g');
  const found: string[] = [];
  for (const area of ['core/src', 'runtime/src', 'studio/src']) {
    let files: string[];
    try {
      files = sourceFiles(join(root, area));
    } catch {
      continue;
    }
    for (const file of files) {
      const rel = relative(root, file).split('\\').join('/');
      if (ALLOWED.test(`/${rel}`)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(pattern)) found.push(`${rel}:${i + 1}: ${m[1]}`);
        });
    }
  }
  return found.sort();
}

/**
 * The domain lives in plugins/ (DESIGN.md, issue 12): no source file of core, the runtime or the
 * studio shell names a built-in plugin's entity, not even in an example; examples use a company
 * plugin's entity (`acme.ticket`).
 */
describe('built-in plugin entities outside plugins/', () => {
  const entities = builtInEntities();

  it('reads the built-in entities from the plugins\' manifests', () => {
    expect(entities).toContain('pipeline.deal');
    expect(entities).toContain('crm.account');
    expect(entities.length).toBeGreaterThan(15);
  });

  it('are named nowhere in core, runtime or studio source (tests, benches, demo seed and fixtures aside)', () => {
    expect(mentions(ROOT, entities)).toEqual([]);
  });

  it('would be found in a fixture that names them, and not where they are allowed', () => {
    expect(mentions(join(ROOT, 'scripts/fixtures/domain-names'), entities)).toEqual(['runtime/src/leak.ts:2: pipeline.deal', 'studio/src/Page.tsx:1: crm.contact']);
  });
});

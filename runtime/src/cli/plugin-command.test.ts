import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pluginCommand } from './plugin-command';

const tmp = mkdtempSync(join(tmpdir(), 'pipewright-plugin-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await pluginCommand(args, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('pipewright plugin new', () => {
  it('scaffolds manifest, entity, action, studio page, tests, README and a package.json with build', async () => {
    const { code, out } = await run('new', 'acme_visits', '--dir', tmp);
    expect(code).toBe(0);
    expect(out).toContain(join(tmp, 'acme_visits'));
    const root = join(tmp, 'acme_visits');
    for (const f of ['plugin.json', 'schemas/visit.schema.json', 'src/runtime/index.ts', 'src/studio/index.ts', 'src/studio/VisitsPage.ts', 'test/plugin.test.ts', 'README.md']) expect(existsSync(join(root, f)), f).toBe(true);
    const manifest = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')) as { id: string; contributes: { actionTypes: { id: string }[] }; runtime: string };
    expect(manifest.id).toBe('acme_visits');
    expect(manifest.contributes.actionTypes.map((a) => a.id)).toEqual(['log_visit']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.scripts.build).toContain(manifest.runtime);
    expect(Object.keys(pkg.dependencies)).toEqual(['@pipewright/plugin-sdk']);
    expect(readFileSync(join(root, 'src/runtime/index.ts'), 'utf8')).toContain("from '@pipewright/plugin-sdk'");
    const studio = readFileSync(join(root, 'src/studio/index.ts'), 'utf8');
    expect(studio).toContain("from '@pipewright/plugin-sdk/studio'");
    expect(studio).toContain('拜访');
    expect(JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')).studio).toBe('dist/studio/index.js');
  });

  it('refuses an id the manifest would refuse, and a folder that is not empty', async () => {
    expect((await run('new', 'Acme-Visits', '--dir', tmp)).code).toBe(2);
    const again = await run('new', 'acme_visits', '--dir', tmp);
    expect(again.code).toBe(1);
    expect(again.out).toContain('not empty');
    expect((await run('frobnicate', 'x')).code).toBe(2);
  });
});

describe('pipewright plugin check', () => {
  it('warns about action types whose title or config field labels lack a language', async () => {
    // a copy the fixture's imports still resolve from (the workspace's node_modules)
    const cache = fileURLToPath(new URL('../../../node_modules/.cache/', import.meta.url));
    mkdirSync(cache, { recursive: true });
    const root = mkdtempSync(join(cache, 'plugin-check-'));
    try {
      cpSync(fileURLToPath(new URL('../../test/fixtures/acme-plugins', import.meta.url)), root, { recursive: true });
      const { code, out } = await run('check', join(root, 'territory'));
      expect(code, out).toBe(0);
      expect(out).toContain('warn plugin.json: action type acme_territory.assign: zh-CN title is missing');
      expect(out).toContain('warn plugin.json: action type acme_territory.assign: zh-CN field territory is missing');
      const file = join(root, 'territory/plugin.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { contributes: { actionTypes: Record<string, unknown>[] } };
      Object.assign(manifest.contributes.actionTypes[0] as Record<string, unknown>, { title: { en: 'Assign territory', 'zh-CN': '分配区域' }, fields: { territory: { en: 'Territory', 'zh-CN': '区域' } } });
      writeFileSync(file, JSON.stringify(manifest));
      expect((await run('check', join(root, 'territory'))).out).not.toContain('action type acme_territory.assign');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('warns about process texts given in one language only (ADR 019), and passes the plugin', async () => {
    const root = join(tmp, 'acme_fixture');
    cpSync(fileURLToPath(new URL('../../../studio/test/browser/fixtures/plugins/acme_fixture', import.meta.url)), root, { recursive: true });
    const { code, out } = await run('check', root);
    expect(code).toBe(0);
    expect(out).toContain('ok  acme_fixture');
    expect(out).toContain('warn processes/ticket-flow.process.json: /label (zh-CN) has no text in that language');
    expect(out).toContain('warn processes/ticket-flow.process.json: /stages/0/label (zh-CN) has no text in that language');
    const bilingual = JSON.parse(readFileSync(join(root, 'processes/ticket-flow.process.json'), 'utf8')) as { label: unknown };
    bilingual.label = { en: 'Ticket flow', 'zh-CN': '工单流程' };
    writeFileSync(join(root, 'processes/ticket-flow.process.json'), JSON.stringify(bilingual));
    expect((await run('check', root)).out).not.toContain('json: /label (zh-CN)');
  });

  it('passes a valid plugin folder, loaded after the built-in plugins it depends on', async () => {
    const { code, out } = await run('check', fileURLToPath(new URL('../../test/fixtures/acme-plugins', import.meta.url)));
    expect(out).toContain('ok  acme_territory 0.3.0');
    expect(code).toBe(0);
  });

  it('reports an unbuilt plugin: the runtime module cannot be imported, with what to do', async () => {
    const { code, out } = await run('check', join(tmp, 'acme_visits'));
    expect(code).toBe(1);
    expect(out).toContain('error plugin.runtime-failed');
    expect(out).toContain('pointer: /runtime');
    expect(out).toContain('npm run build');
  });

  it('reports a manifest problem with the file and the JSON pointer of the field', async () => {
    const root = join(tmp, 'acme_visits');
    const manifest = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(root, 'plugin.json'), JSON.stringify({ ...manifest, version: 'one' }));
    const { code, out } = await run('check', root);
    expect(code).toBe(1);
    expect(out).toContain('error plugin.invalid-manifest');
    expect(out).toContain(`file:    ${join(root, 'plugin.json')}`);
    expect(out).toContain('pointer: /version');
    expect(out).toContain('plugin-manifest.schema.json');
  });

  it('reports an entity schema problem with its file and pointer', async () => {
    const root = join(tmp, 'acme_visits');
    writeFileSync(join(root, 'plugin.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')), version: '0.1.0' }));
    const entity = JSON.parse(readFileSync(join(root, 'schemas/visit.schema.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(root, 'schemas/visit.schema.json'), JSON.stringify({ ...entity, labelPlural: 7 }));
    const { code, out } = await run('check', root);
    expect(code).toBe(1);
    expect(out).toContain('error plugin.invalid-document');
    expect(out).toContain('schemas/visit.schema.json');
    expect(out).toContain('pointer: /labelPlural');
  });

  it('says so when the folder holds no plugin', async () => {
    const { code, out } = await run('check', tmpdir() + '/does-not-exist-' + Date.now());
    expect(code).toBe(1);
    expect(out).toContain('does not exist');
  });
});

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pluginCommand } from './plugin-command';

const tmp = mkdtempSync(join(tmpdir(), 'pipewright-plugin-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ACME_PLUGINS = fileURLToPath(new URL('../../test/fixtures/acme-plugins', import.meta.url));

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  return runIn({}, ...args);
}

/** The command with these environment variables (PIPEWRIGHT_PLUGINS) instead of the process's. */
async function runIn(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await pluginCommand(args, (l) => lines.push(l), env);
  return { code, out: lines.join('\n') };
}

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
type Entity = { schema: { properties: Record<string, unknown> }; references?: Record<string, { entity: string; lookup?: string }>; ui: { listColumns: string[] } };

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

  it('makes a plugin that stands alone: no dependency, no reference, an action for any record', async () => {
    const root = join(tmp, 'acme_visits');
    expect(readJson<{ dependsOn?: unknown }>(join(root, 'plugin.json')).dependsOn).toBeUndefined();
    const entity = readJson<Entity>(join(root, 'schemas/visit.schema.json'));
    expect(entity.references).toBeUndefined();
    expect(Object.keys(entity.schema.properties)).toEqual(['subject', 'visited_on', 'notes']);
    expect(readFileSync(join(root, 'src/runtime/index.ts'), 'utf8')).not.toContain('ctx.record?.type');
    // every field the entity has is labelled in both languages, and no other
    const studio = readFileSync(join(root, 'src/studio/index.ts'), 'utf8');
    expect(studio.match(/fields: \{[^}]*\}/g)).toEqual(["fields: { subject: 'Subject', visited_on: 'Visited on', notes: 'Notes' }", "fields: { subject: '主题', visited_on: '拜访日期', notes: '备注' }"]);
  });

  it('with --about <plugin.entity>, depends on that plugin and lets each visit name such a record', async () => {
    const crm = readJson<{ version: string }>(fileURLToPath(new URL('../../../plugins/crm/plugin.json', import.meta.url)));
    const { code, out } = await run('new', 'acme_calls', '--dir', tmp, '--about', 'crm.account');
    expect(code, out).toBe(0);
    const root = join(tmp, 'acme_calls');
    expect(readJson<{ dependsOn: unknown }>(join(root, 'plugin.json')).dependsOn).toEqual({ crm: `^${crm.version}` });
    const entity = readJson<Entity>(join(root, 'schemas/visit.schema.json'));
    expect(entity.schema.properties.account_id).toEqual({ type: 'string', format: 'uuid' });
    expect(entity.references).toEqual({ account_id: { entity: 'crm.account', lookup: 'name' } });
    expect(entity.ui.listColumns).toEqual(['subject', 'visited_on', 'account_id']);
    expect(readFileSync(join(root, 'src/runtime/index.ts'), 'utf8')).toContain("if (ctx.record?.type === 'crm.account') data.account_id = ctx.record.id;");
    const studio = readFileSync(join(root, 'src/studio/index.ts'), 'utf8');
    expect(studio).toContain("account_id: 'Account'");
    expect(studio).toContain("account_id: '关联记录'");
    expect(readFileSync(join(root, 'test/plugin.test.ts'), 'utf8')).toContain("toContain('/data/account_id')");
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('plugin new acme_calls --about crm.account');
  });

  it('refuses an --about that is not an installed entity, saying why, and writes nothing', async () => {
    for (const [about, says] of [
      ['crm', 'is not an entity id: write the plugin id, a dot and the entity id'],
      ['CRM.Account', 'is not an entity id'],
      ['crm.account.name', 'is not an entity id'],
      ['crm.acount', 'plugin "crm" has no entity "acount" (its entities: account, '],
      ['acme_sites.site', 'no installed plugin has the id "acme_sites" (installed: crm, '],
      ['acme_loops.visit', 'names an entity of another plugin; acme_loops is the plugin being made'],
    ] as const) {
      const { code, out } = await run('new', 'acme_loops', '--dir', tmp, '--about', about);
      expect(code, about).toBe(2);
      expect(out, about).toContain(says);
      expect(out, about).toContain('--about <plugin.entity>');
    }
    expect(existsSync(join(tmp, 'acme_loops'))).toBe(false);
    expect((await runIn({ PIPEWRIGHT_PLUGINS: join(tmp, 'nowhere') }, 'new', 'acme_loops', '--dir', tmp, '--about', 'crm.account')).out).toContain('does not exist (PIPEWRIGHT_PLUGINS)');
  });

  it("links to a company plugin's entity from PIPEWRIGHT_PLUGINS, and plugin check loads that plugin too", async () => {
    const env = { PIPEWRIGHT_PLUGINS: ACME_PLUGINS };
    expect((await run('new', 'acme_rounds', '--dir', tmp, '--about', 'acme_territory.territory')).out).toContain('no installed plugin has the id "acme_territory"');
    const { code, out } = await runIn(env, 'new', 'acme_rounds', '--dir', tmp, '--about', 'acme_territory.territory');
    expect(code, out).toBe(0);
    const root = join(tmp, 'acme_rounds');
    expect(readJson<{ dependsOn: unknown }>(join(root, 'plugin.json')).dependsOn).toEqual({ acme_territory: '^0.3.0' });
    expect(readJson<Entity>(join(root, 'schemas/visit.schema.json')).references).toEqual({ territory_id: { entity: 'acme_territory.territory', lookup: 'name' } });
    // stands in for `npm run build` (the action handler, no import)
    mkdirSync(join(root, 'dist/runtime'), { recursive: true });
    writeFileSync(join(root, 'dist/runtime/index.js'), 'export const plugin = { actions: { log_visit: () => ({}) } };\n');
    const alone = await run('check', root);
    expect(alone.code).toBe(1);
    expect(alone.out).toContain('error plugin.missing-dependency');
    expect(alone.out).toContain('PIPEWRIGHT_PLUGINS');
    const withDependency = await runIn(env, 'check', root);
    expect(withDependency.out).toBe(`ok  acme_rounds 0.1.0 (${root})`);
    expect(withDependency.code).toBe(0);
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

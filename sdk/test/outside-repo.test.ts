import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginCommand } from '../../runtime/src/cli/plugin-command';
import { launchChromium, screenshot, watchPage } from '../../studio/test/browser/support/browser';
import { openStudio } from '../../studio/test/browser/support/sign-in';
import { startStudioServer, type StudioServer } from '../../studio/test/browser/support/studio-server';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The tutorial (docs/plugins.md) run from a folder outside the repository: pack the SDK with
 * `npm pack`, scaffold a plugin with the CLI (its visits about crm's accounts, `--about`), install
 * the SDK from its tarball, build the plugin
 * with its own `build` script, run the plugin's own tests (startTestPlatform from the tarball),
 * then load it into a server with PIPEWRIGHT_PLUGINS, use its API, and open its studio page
 * (built against `@pipewright/plugin-sdk/studio`) in Chromium, in English and Chinese.
 */
describe('a company plugin built outside the repository with the packed SDK', () => {
  const root = mkdtempSync(join(tmpdir(), 'pipewright-outside-'));
  const dir = join(root, 'acme_visits');
  let server: StudioServer;
  let browser: Browser | undefined;
  const sh = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });

  beforeAll(async () => {
    expect(dir.startsWith(REPO)).toBe(false);
    const tarball = sh('node', [join(REPO, 'sdk/scripts/pack.mjs'), '--pack-destination', root], REPO).trim().split('\n').at(-1) as string;
    expect(await pluginCommand(['new', 'acme_visits', '--dir', root, '--about', 'crm.account'], () => {})).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    pkg.dependencies['@pipewright/plugin-sdk'] = `file:${tarball}`;
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    sh('npm', ['run', 'build'], dir);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('installs the SDK from its tarball with its types and no private workspace package', () => {
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules/@pipewright/plugin-sdk/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies).filter((d) => d.startsWith('@pipewright/'))).toEqual([]);
    expect(readFileSync(join(dir, 'node_modules/@pipewright/plugin-sdk/index.d.ts'), 'utf8')).toContain('export declare function definePlugin');
    expect(readFileSync(join(dir, 'dist/runtime/index.js'), 'utf8')).toContain('@pipewright/plugin-sdk');
    expect(readFileSync(join(dir, 'node_modules/@pipewright/plugin-sdk/studio.d.ts'), 'utf8')).toContain('export declare function defineStudioPlugin');
    // the studio half is bundled for the browser with the SDK's studio API and without React
    const studio = readFileSync(join(dir, 'dist/studio/index.js'), 'utf8');
    expect(studio).toContain('pipewright.studio-plugin');
    expect(studio).not.toMatch(/from ["']react/);
  });

  it("passes the plugin's own tests, which start the platform with the SDK's test kit", () => {
    const out = sh('npx', ['vitest', 'run'], dir);
    // the two on any scaffold, and the refusal of a visit about an account that does not exist
    expect(out).toMatch(/Tests\s+.*3 passed/);
  }, 300_000);

  it('passes plugin check, loads with PIPEWRIGHT_PLUGINS and serves its entity and action, its visits naming accounts', async () => {
    expect((JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8')) as { dependsOn: unknown }).dependsOn).toEqual({ crm: `^${(JSON.parse(readFileSync(join(REPO, 'plugins/crm/plugin.json'), 'utf8')) as { version: string }).version}` });
    const lines: string[] = [];
    expect(await pluginCommand(['check', dir], (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual([`ok  acme_visits 0.1.0 (${dir})`]);
    server = await startStudioServer({ demo: false, env: { PIPEWRIGHT_PLUGINS: dir } });
    expect(server.platform.registry.actionType('acme_visits.log_visit').handler).toBeTypeOf('function');
    const rep = server.as('rep');
    const account = await rep.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Harbor Works', status: 'active' } } });
    expect(account.status).toBe(201);
    const accountId = ((await account.json()) as { id: string }).id;
    const created = await rep.api('/api/records/acme_visits.visit', { method: 'POST', json: { data: { subject: 'Site tour', visited_on: '2026-03-02', account_id: accountId } } });
    expect(created.status).toBe(201);
    const nowhere = await rep.api('/api/records/acme_visits.visit', { method: 'POST', json: { data: { subject: 'Ghost tour', visited_on: '2026-03-02', account_id: '00000000-0000-4000-8000-000000000000' } } });
    expect(nowhere.status).toBe(422);
    expect(((await nowhere.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/data/account_id');
    const bad = await rep.api('/api/records/acme_visits.visit', { method: 'POST', json: { data: { subject: 'When?', visited_on: 'soon' } } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/data/visited_on');
    const list = (await (await rep.api('/api/records/acme_visits.visit')).json()) as { items: { data: { subject: string } }[] };
    expect(list.items.map((v) => v.data.subject)).toEqual(['Site tour']);
  }, 300_000);

  it('shows its studio page from the navigation, in English and in Chinese', async () => {
    const ops = { name: 'Ops Admin', email: 'ops@acme.test', password: 'a long passphrase for the ops admin 42' };
    expect((await server.api('/api/users', { method: 'POST', json: { ...ops, roles: ['admin'] } })).status).toBe(201);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const problems = watchPage(page);
    await openStudio(page, server.url, ops.password, ops.email);
    // the plugin's own navigation entry (the entity's list is also named "Visits")
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await nav.locator('a[href="/p/acme_visits/visits"]').textContent()).toBe('Visits');
    await nav.locator('a[href="/p/acme_visits/visits"]').click();
    const section = page.getByTestId('acme_visits-visits');
    await section.getByRole('heading', { level: 1, name: 'Visits' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/p/acme_visits/visits');
    await section.getByRole('listitem').first().waitFor();
    expect(await section.getByRole('listitem').allTextContents()).toEqual(['2026-03-02 Site tour']);
    await screenshot(page, 'sdk-outside-repo-plugin-en');
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await section.getByRole('heading', { level: 1, name: '拜访' }).waitFor();
    expect(await section.getByRole('link').textContent()).toBe('全部拜访');
    // the navigation's own name is now Chinese too: find the entity's link by its address
    expect(await page.locator('nav a[href="/records/acme_visits.visit"]').textContent()).toBe('拜访记录');
    await screenshot(page, 'sdk-outside-repo-plugin-zh');
    // the list of visits names each visit's account by its name
    await page.locator('nav a[href="/records/acme_visits.visit"]').click();
    const accountCell = page.locator('td[data-label="关联记录"]', { hasText: 'Harbor Works' });
    await accountCell.waitFor();
    await screenshot(page, 'sdk-outside-repo-visits-zh');
    expect(problems.errors).toEqual([]);
  }, 240_000);
});

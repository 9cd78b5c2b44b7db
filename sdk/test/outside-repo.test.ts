import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginCommand } from '../../runtime/src/cli/plugin-command';
import { startServer, type TestServer } from '../../runtime/test/harness';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The tutorial (docs/plugins.md) run from a folder outside the repository: pack the SDK with
 * `npm pack`, scaffold a plugin with the CLI, install the SDK from its tarball, build the plugin
 * with its own `build` script, run the plugin's own tests (startTestPlatform from the tarball),
 * then load it into a server with PIPEWRIGHT_PLUGINS and use its API.
 */
describe('a company plugin built outside the repository with the packed SDK', () => {
  const root = mkdtempSync(join(tmpdir(), 'pipewright-outside-'));
  const dir = join(root, 'acme_visits');
  let server: TestServer;
  const sh = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });

  beforeAll(async () => {
    expect(dir.startsWith(REPO)).toBe(false);
    const tarball = sh('node', [join(REPO, 'sdk/scripts/pack.mjs'), '--pack-destination', root], REPO).trim().split('\n').at(-1) as string;
    expect(await pluginCommand(['new', 'acme_visits', '--dir', root], () => {})).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    pkg.dependencies['@pipewright/plugin-sdk'] = `file:${tarball}`;
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    sh('npm', ['run', 'build'], dir);
  }, 600_000);
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('installs the SDK from its tarball with its types and no private workspace package', () => {
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules/@pipewright/plugin-sdk/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies).filter((d) => d.startsWith('@pipewright/'))).toEqual([]);
    expect(readFileSync(join(dir, 'node_modules/@pipewright/plugin-sdk/index.d.ts'), 'utf8')).toContain('export declare function definePlugin');
    expect(readFileSync(join(dir, 'dist/runtime/index.js'), 'utf8')).toContain('@pipewright/plugin-sdk');
  });

  it("passes the plugin's own tests, which start the platform with the SDK's test kit", () => {
    const out = sh('npx', ['vitest', 'run'], dir);
    expect(out).toMatch(/Tests\s+.*2 passed/);
  }, 300_000);

  it('passes plugin check, loads with PIPEWRIGHT_PLUGINS and serves its entity and action', async () => {
    const lines: string[] = [];
    expect(await pluginCommand(['check', dir], (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual([`ok  acme_visits 0.1.0 (${dir})`]);
    server = await startServer({ name: 'pglite' }, { PIPEWRIGHT_PLUGINS: dir });
    expect(server.platform.registry.actionType('acme_visits.log_visit').handler).toBeTypeOf('function');
    const rep = server.as('rep');
    const created = await rep.api('/api/records/acme_visits.visit', { method: 'POST', json: { data: { subject: 'Site tour', visited_on: '2026-03-02' } } });
    expect(created.status).toBe(201);
    const bad = await rep.api('/api/records/acme_visits.visit', { method: 'POST', json: { data: { subject: 'When?', visited_on: 'soon' } } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/data/visited_on');
    const list = (await (await rep.api('/api/records/acme_visits.visit')).json()) as { items: { data: { subject: string } }[] };
    expect(list.items.map((v) => v.data.subject)).toEqual(['Site tour']);
  });
});

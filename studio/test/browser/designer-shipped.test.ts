import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pagePerTest, screenshot, watchPage } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@designer-shipped.test', password: 'a long passphrase for the ops admin 42' };
const ID = 'handoff_presales_to_sales';

interface Detail { draft: Record<string, unknown>; draftRevision: number; shipped?: Record<string, unknown> }

/**
 * Issue 17: a plugin release that changes a process it ships upgrades installs no admin made
 * their own; where an admin had changed the draft, the designer says the plugin shipped another
 * version and replaces the draft with it only after a confirmation, in English and Chinese.
 */
describe('the plugin\'s version of a process in the designer, in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let shipped: Record<string, unknown>;

  const detail = async (): Promise<Detail> => {
    const res = await server.api(`/api/processes/${ID}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Detail;
  };

  studioWithAdmin({ admin: { name: 'Olga Ops', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server } = s));
  beforeAll(async () => {
    const before = await detail();
    expect(before.shipped).toBeUndefined();
    shipped = before.draft;
    // An admin's own draft ...
    const saved = await server.api(`/api/processes/${ID}`, { method: 'PUT', headers: { 'if-match': `"${before.draftRevision}"` }, json: { ...before.draft, description: { en: 'Our own presales rules', 'zh-CN': '我们自己的售前规则' } } });
    expect(saved.status, await saved.clone().text()).toBe(200);
    expect((await detail()).shipped).toBeUndefined(); // an admin's edit alone offers nothing
    // ... then a restart on a plugin release that changed the process kept it, as
    // runtime/test/plugin-process-upgrade.test.ts shows on real restarts; here its audit event.
    await server.platform.database.db.insertInto('events').values({ record_id: null, record_type: 'process', action: 'process.plugin-conflict', actor: 'system:plugins', at: new Date(), before: null, after: JSON.stringify(shipped), meta: null, subject: `process:${ID}` }).execute();
    expect((await detail()).shipped).toEqual(shipped);
  }, 240_000);
  pagePerTest(() => browser, { width: 1300, height: 900 }, (p) => (page = p));

  it('says so in Chinese, and keeping the draft changes nothing', async () => {
    const problems = watchPage(page);
    await openStudio(page, `${server.url}/processes/${ID}`, OPS.password, OPS.email);
    const note = page.getByTestId('shipped-version');
    await note.waitFor({ timeout: 30_000 });
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await expect.poll(() => note.locator('p').first().textContent()).toBe('插件 handoff 在你上次保存草稿之后附带了此流程的新版本。你的草稿已保留。');
    await note.getByRole('button', { name: '改用插件的版本…' }).click();
    await note.getByText('用插件的版本替换你的草稿？', { exact: false }).waitFor();
    await screenshot(page, 'designer-shipped-zh');
    await note.getByRole('button', { name: '保留我的草稿' }).click();
    await note.getByRole('button', { name: '改用插件的版本…' }).waitFor();
    await page.getByLabel('语言').first().selectOption('en');
    expect((await detail()).draft.description).toEqual({ en: 'Our own presales rules', 'zh-CN': '我们自己的售前规则' });
    expect(problems.errors).toEqual([]);
  });

  it("replaces the admin's draft with the plugin's version after a confirmation, and the designer shows it", async () => {
    const problems = watchPage(page);
    await openStudio(page, `${server.url}/processes/${ID}`, OPS.password, OPS.email);
    const note = page.getByTestId('shipped-version');
    await expect.poll(() => note.locator('p').first().textContent(), { timeout: 30_000 }).toBe('The handoff plugin has shipped a new version of this process since your draft was last saved. Your draft was kept.');
    await screenshot(page, 'designer-shipped-en');
    const revision = (await detail()).draftRevision;
    await note.getByRole('button', { name: "Use the plugin's version…" }).click();
    await note.getByRole('button', { name: 'Replace my draft' }).click();
    await expect.poll(() => page.getByTestId('shipped-loaded').textContent()).toBe(`The draft is now the plugin's version (revision ${revision + 1}). Publish it to use it.`);
    expect(await note.count()).toBe(0);
    const after = await detail();
    expect(after.draft).toEqual(shipped);
    expect(after.shipped).toBeUndefined();
    // the designer reopened on the new draft: its canvas shows the process's stages
    await page.locator('.react-flow__node').first().waitFor();
    await screenshot(page, 'designer-shipped-loaded');
    expect(problems.errors).toEqual([]);
  });
});

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ORG, TEST_PASSWORD, emailOf, type TestUser } from '../../../runtime/test/harness';
import { launchChromium, screenshot, watchPage, type PageProblems } from '../../../studio/test/browser/support/browser';
import { openStudio } from '../../../studio/test/browser/support/sign-in';
import { startStudioServer, type StudioServer } from '../../../studio/test/browser/support/studio-server';

/**
 * 外勤签到 in Chromium at phone width (375 px): the rep checks in at an account with the position
 * playwright gives the browser, sees the account, the distance and the time on site, and checks
 * out; a far check-in asks for a reason; a refused permission and an imprecise position read as
 * clear errors; the manager reads the day's visits per rep; the same pages in zh-CN. Distances
 * on screen are compared with an independent computation (spherical law of cosines).
 */
const SITE = { latitude: 31.2397, longitude: 121.4998 };
const NEAR = { latitude: 31.2421, longitude: 121.5032, accuracy: 15 };
const FAR = { latitude: 31.1443, longitude: 121.8083, accuracy: 25 };

function cosineKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const r = Math.PI / 180;
  const c = Math.sin(a.latitude * r) * Math.sin(b.latitude * r) + Math.cos(a.latitude * r) * Math.cos(b.latitude * r) * Math.cos((b.longitude - a.longitude) * r);
  return 6371.0088 * Math.acos(Math.min(1, Math.max(-1, c)));
}

interface Activity { id: string; data: Record<string, unknown> }

describe('field visits in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false });
    await server.seedOrg();
    const db = server.platform.database.db;
    for (const [id, name] of [['rick-rep', 'Rick Rao'], ['cora-colleague', 'Cora Chen'], ['mia-manager', 'Mia Ma']] as const) await db.updateTable('users').set({ name }).where('id', '=', id).execute();
    const account = (name: string, owner: string, coords: Record<string, number> = SITE) =>
      server.api('/api/records/crm.account', { method: 'POST', json: { data: { name, status: 'active', dedupe_override: { confirm: true }, ...coords }, owner } });
    for (const res of [await account('Lujiazui Finance Partners', TEST_ORG.users.rep.id), await account('Airport Logistics Hub', TEST_ORG.users.rep.id), await account('Bund Heritage Hotel', TEST_ORG.users.colleague.id), await account('Nowhere Mapped Ltd', TEST_ORG.users.rep.id, {})]) {
      expect(res.status, await res.clone().text()).toBe(201);
    }
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `failed-visits-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}`).catch(() => undefined);
    await context?.close();
    context = undefined;
    expect(problems.errors, problems.errors.join('\n')).toEqual([]);
  });

  /** A phone-sized browser signed in as `user`, with location permission (unless `grant` is false) at `position`. */
  async function phone(user: TestUser, position: { latitude: number; longitude: number; accuracy: number } | null, grant = true, width = 375): Promise<void> {
    context = await browser.newContext({ viewport: { width, height: 760 }, locale: 'en-US', isMobile: width < 500, hasTouch: width < 500, ...(position ? { geolocation: position } : {}) });
    if (grant) await context.grantPermissions(['geolocation'], { origin: server.url });
    page = await context.newPage();
    problems = watchPage(page);
    await openStudio(page, `${server.url}/p/crm/visit`, TEST_PASSWORD, emailOf(user));
  }
  const visitsOf = async (account: string): Promise<Activity[]> => {
    const acc = (await (await server.api(`/api/records/crm.account?filter[name]=${encodeURIComponent(account)}`)).json()) as { items: { id: string }[] };
    const r = (await (await server.api(`/api/records/crm.activity?filter[account_id]=${acc.items[0]?.id}&filter[kind]=visit`)).json()) as { items: Activity[] };
    return r.items;
  };
  const choose = async (name: string) => {
    await page.locator('#visit-search').fill(name.split(' ')[0] ?? name);
    await expect.poll(() => page.locator('#visit-account option:checked').textContent(), { timeout: 15_000 }).toBe(name);
  };

  it('the rep checks in at an account, sees the distance and time on site, and checks out', async () => {
    await phone('rep', NEAR);
    await choose('Lujiazui Finance Partners');
    await page.getByRole('button', { name: 'Check in here' }).click();
    await page.getByTestId('visit-open').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('visit-account').textContent()).toBe('Lujiazui Finance Partners');
    const metres = Math.round(cosineKm(NEAR, SITE) * 1000);
    expect(await page.getByTestId('visit-distance').textContent()).toBe(`${new Intl.NumberFormat('en').format(metres)} m`);
    expect(await page.getByTestId('visit-duration').textContent()).toBe('0 min');
    expect(await page.getByTestId('visit-far').count()).toBe(0);
    // The page fits the phone: nothing wider than the viewport.
    expect(await page.evaluate(() => document.querySelector('[data-testid="visit-page"]')?.getBoundingClientRect().right ?? 999)).toBeLessThanOrEqual(375);
    await screenshot(page, 'crm-visit-checked-in-en');
    // A reload resumes the open visit.
    await page.reload();
    await page.getByTestId('visit-open').waitFor({ timeout: 20_000 });
    await page.locator('#visit-outcome').fill('Demo of the reporting module');
    await page.getByRole('button', { name: 'Check out' }).click();
    await expect.poll(() => page.getByTestId('visit-done').textContent(), { timeout: 20_000 }).toBe('Checked out of Lujiazui Finance Partners after 0 min.');
    await screenshot(page, 'crm-visit-checked-out-en');
    const [stored] = await visitsOf('Lujiazui Finance Partners');
    expect(stored?.data).toMatchObject({ kind: 'visit', done: true, outcome: 'Demo of the reporting module', checkin: { latitude: NEAR.latitude, longitude: NEAR.longitude, accuracy_m: 15 }, checkout: { latitude: NEAR.latitude } });
    expect(Math.abs(Number(stored?.data.distance_km) - cosineKm(NEAR, SITE))).toBeLessThan(0.001);
  });

  it('a check-in far from the account asks for a reason before the check-out', async () => {
    await phone('rep', FAR);
    // From the account's page: its "Check in here" button opens the visit page with the account chosen.
    const acc = (await (await server.api(`/api/records/crm.account?filter[name]=${encodeURIComponent('Airport Logistics Hub')}`)).json()) as { items: { id: string }[] };
    await page.goto(`${server.url}/records/crm.account/${acc.items[0]?.id}`);
    await page.getByRole('button', { name: 'Check in here' }).click();
    await page.waitForURL(/\/p\/crm\/visit\?account=/);
    await expect.poll(() => page.locator('#visit-account option:checked').textContent(), { timeout: 15_000 }).toBe('Airport Logistics Hub');
    await page.getByRole('button', { name: 'Check in here' }).click();
    await page.getByTestId('visit-far').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('visit-distance').textContent()).toBe(`${cosineKm(FAR, SITE).toFixed(2)} km`);
    expect(await page.getByTestId('visit-far').textContent()).toBe('You checked in more than 1.00 km from the account: give a reason to check out.');
    const checkOut = page.getByRole('button', { name: 'Check out' });
    expect(await checkOut.isDisabled()).toBe(true);
    await screenshot(page, 'crm-visit-far-en');
    await page.locator('#visit-reason').fill('Met them at their airport warehouse');
    await checkOut.click();
    await page.getByTestId('visit-done').waitFor({ timeout: 20_000 });
    expect((await visitsOf('Airport Logistics Hub'))[0]?.data.distance_reason).toBe('Met them at their airport warehouse');
  });

  it('a refused location permission and an imprecise position read as clear errors; nothing is written', async () => {
    await phone('rep', NEAR, false);
    await choose('Nowhere Mapped Ltd');
    await page.getByRole('button', { name: 'Check in here' }).click();
    await expect.poll(() => page.getByTestId('visit-error').textContent(), { timeout: 20_000 }).toBe('Location permission is off. Allow this site to use your location, then try again.');
    await screenshot(page, 'crm-visit-denied-en');
    await context?.grantPermissions(['geolocation'], { origin: server.url });
    await context?.setGeolocation({ ...NEAR, accuracy: 4800 });
    await page.getByRole('button', { name: 'Check in here' }).click();
    await expect.poll(() => page.getByTestId('visit-error').textContent(), { timeout: 20_000 }).toBe('Your position is too imprecise. Turn on precise location or move outdoors, then try again.');
    expect(await visitsOf('Nowhere Mapped Ltd')).toEqual([]);
    // A good position then checks in; the account has no coordinates, so there is no distance.
    await context?.setGeolocation(NEAR);
    await page.getByRole('button', { name: 'Check in here' }).click();
    await page.getByTestId('visit-open').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('visit-distance').textContent()).toBe('The account has no coordinates');
    await page.getByRole('button', { name: 'Check out' }).click();
    await page.getByTestId('visit-done').waitFor({ timeout: 20_000 });
  });

  it('in zh-CN: a colleague checks in, and the manager reads the day\'s visits per rep', async () => {
    await phone('colleague', NEAR);
    await page.getByLabel(/Language|语言/).first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '客户拜访' }).waitFor();
    await page.locator('#visit-search').fill('Bund');
    await expect.poll(() => page.locator('#visit-account option:checked').textContent(), { timeout: 15_000 }).toBe('Bund Heritage Hotel');
    await page.getByRole('button', { name: '在此签到' }).click();
    await page.getByTestId('visit-open').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('visit-duration').textContent()).toBe('0 分钟');
    await screenshot(page, 'crm-visit-checked-in-zh-CN');
    await context?.close();

    await phone('manager', null, false, 1280);
    await page.goto(`${server.url}/p/crm/visits`);
    await page.getByTestId('visits-rep').first().waitFor({ timeout: 20_000 });
    const reps = page.getByTestId('visits-rep');
    expect(await reps.evaluateAll((els) => els.map((e) => e.getAttribute('data-rep')))).toEqual(['cora-colleague', 'rick-rep']);
    const rick = page.locator('[data-rep="rick-rep"]');
    expect(await rick.getByTestId('visits-row').count()).toBe(3);
    const shown = await rick.getByTestId('visits-distance').allTextContents();
    expect(shown).toEqual([`${new Intl.NumberFormat('en').format(Math.round(cosineKm(NEAR, SITE) * 1000))} m`, `${cosineKm(FAR, SITE).toFixed(2)} km`, 'The account has no coordinates']);
    expect(await rick.locator('h2').textContent()).toBe('Rick Rao · 3 visits, 0 min on site');
    expect(await page.locator('[data-rep="cora-colleague"]').getByTestId('visits-row').textContent()).toContain('On site');
    // Beside the list, the map of the day's check-ins per rep: a plot of longitude and latitude (no tiles).
    const map = page.getByTestId('visits-map');
    await map.waitFor();
    expect(await page.getByRole('heading', { name: "Map of the day's check-ins" }).count()).toBe(1);
    const dots = await map.getByTestId('visits-map-point').evaluateAll((els) => els.map((e) => ({ rep: e.getAttribute('data-rep'), x: Number(e.getAttribute('data-x')), y: Number(e.getAttribute('data-y')) })));
    expect(dots.filter((d) => d.rep === 'cora-colleague')).toHaveLength(1);
    const mine = dots.filter((d) => d.rep === 'rick-rep');
    expect(mine.length).toBeGreaterThanOrEqual(2);
    // FAR is east and south of NEAR: the dot furthest right is also the lowest.
    const east = mine.reduce((a, b) => (b.x > a.x ? b : a));
    expect(Math.max(...mine.map((d) => d.y))).toBe(east.y);
    expect(await page.getByTestId('visits-map-legend').textContent()).toBe('Cora ChenRick Rao');
    await screenshot(page, 'crm-team-visits-en');
    await page.getByLabel(/Language|语言/).first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '团队拜访' }).waitFor();
    await page.getByRole('heading', { name: '当日签到分布图' }).waitFor();
    expect(await rick.locator('h2').textContent()).toBe('Rick Rao · 3 次拜访，现场 0 分钟');
    await screenshot(page, 'crm-team-visits-zh-CN');
  });
});

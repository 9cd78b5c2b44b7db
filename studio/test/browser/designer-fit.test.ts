import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@designer-fit.test', password: 'a long passphrase for the ops admin 42' };
const STAGES = 16;

/**
 * The designer is legible at "fit view" (issue 20): on a long process (16 stages) fit view stops
 * zooming out where stage names still read at 12 px or more, in English and Chinese.
 */
describe('designer fit view in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  studioWithAdmin({ admin: { name: 'Fit Ops', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server } = s));
  beforeAll(async () => {
    const ids = Array.from({ length: STAGES }, (_, i) => `step_${i + 1}`);
    const definition = {
      id: 'long_pipeline', label: { en: 'Long pipeline', 'zh-CN': '长流程' }, entity: 'pipeline.deal', initialStage: ids[0],
      stages: [...ids.map((id, i) => ({ id, label: { en: `Step ${i + 1}`, 'zh-CN': `第 ${i + 1} 步` }, kind: 'open' })), { id: 'won', label: { en: 'Won', 'zh-CN': '赢单' }, kind: 'won', probability: 1 }, { id: 'lost', label: { en: 'Lost', 'zh-CN': '输单' }, kind: 'lost', probability: 0 }],
      transitions: [...ids.map((id, i) => ({ id: `t${i + 1}`, from: id, to: ids[i + 1] ?? 'won' })), { id: 'lose', from: '*', to: 'lost' }],
    };
    const r = await server.api('/api/processes', { method: 'POST', json: definition });
    expect(r.status, await r.clone().text()).toBe(201);
  }, 240_000);
  pagePerTest(() => browser, { width: 1400, height: 900 }, (p) => (page = p));

  /** The rendered size of a stage name: its font size times the canvas zoom. */
  const labelPx = () => page.evaluate(() => {
    const viewport = document.querySelector('.react-flow__viewport') as HTMLElement | null;
    const label = document.querySelector('.stage-node .stage-label') as HTMLElement | null;
    if (!viewport || !label) return 0;
    const zoom = new DOMMatrix(getComputedStyle(viewport).transform).a;
    return parseFloat(getComputedStyle(label).fontSize) * zoom;
  });
  const fit = async () => {
    await page.locator('.react-flow__controls-fitview').click();
    // fit view animates: wait until the zoom stops changing
    let last = -1;
    await expect.poll(async () => { const now = await labelPx(); const settled = Math.abs(now - last) < 0.01; last = now; return settled; }, { interval: 200 }).toBe(true);
  };

  it('keeps stage names at 12 px or more at fit view on a 16-stage process', async () => {
    await openStudio(page, `${server.url}/processes/long_pipeline`, OPS.password, OPS.email);
    await page.locator('.stage-node').first().waitFor({ timeout: 30_000 });
    await fit();
    expect(await labelPx()).toBeGreaterThanOrEqual(12);
    await page.getByText('Step 8', { exact: true }).waitFor();
    await screenshot(page, 'designer-fit-view');
  });

  it('does so in Chinese too', async () => {
    await openStudio(page, `${server.url}/processes/long_pipeline`, OPS.password, OPS.email);
    await page.locator('.stage-node').first().waitFor({ timeout: 30_000 });
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByText('第 8 步', { exact: true }).waitFor();
    await fit();
    expect(await labelPx()).toBeGreaterThanOrEqual(12);
    await screenshot(page, 'designer-fit-view-zh');
    await page.getByLabel('语言').first().selectOption('en');
  });
});

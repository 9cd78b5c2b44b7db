import type { Locator, Page } from 'playwright-core';
import { stressProcess } from './processes';

/**
 * Serves a generated process of `n` stages at `/api/processes/stress_{n}` to the page, as the
 * runtime would serve it, without storing it (process.schema.json caps a process at 50 stages).
 * Returns the designer's address for it.
 *
 * @example
 * ```ts
 * await page.goto(`${server.url}${await serveStressProcess(page, 300)}`);
 * ```
 */
export async function serveStressProcess(page: Page, n: number): Promise<string> {
  const stress = stressProcess(n);
  await page.route(`**/api/processes/${stress.id}`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', headers: { etag: '"1"' }, json: { id: stress.id, entity: stress.entity, label: stress.label, source: 'api', draft: stress, draftRevision: 1, latestVersion: null, updatedAt: new Date().toISOString(), updatedBy: 'test', versions: [] } }),
  );
  return `/processes/${stress.id}`;
}

/** Waits until the element stops moving between frames (React Flow's fit view settles), and returns its box. */
export async function settledBox(page: Page, element: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let box = await element.boundingBox();
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(100);
    const next = await element.boundingBox();
    if (box && next && Math.abs(next.x - box.x) < 0.5 && Math.abs(next.y - box.y) < 0.5) return next;
    box = next;
  }
  if (!box) throw new Error('the element is not visible');
  return box;
}

/** Drags from the box's centre along a gentle wave, `moves` mouse events `step` px apart on x. */
export async function dragAlong(page: Page, box: { x: number; y: number; width: number; height: number }, moves: number, step = 2): Promise<void> {
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= moves; i++) await page.mouse.move(x + i * step, y + Math.sin((i * step) / 16) * 40);
  await page.mouse.up();
}

import { gzipSync } from 'node:zlib';
import type { Page, Response } from 'playwright-core';

/** The scripts a page loaded: bytes as sent (encoded), gzip -9 of their bodies, and their paths. */
export interface Scripts {
  sent: number;
  gzip: number;
  files: number;
  paths: string[];
}

/**
 * Records the scripts a page loads from now on: bytes as sent (encoded) and gzip -9 of each
 * body (the cold-load budget's measure, ADR 030). Calling the returned function stops recording
 * (scripts the page loads afterwards, e.g. the app after sign-in, are not counted) and sums up.
 *
 * @example
 * ```ts
 * const scripts = watchScripts(page);
 * await page.goto(url);
 * await page.waitForLoadState('networkidle');
 * (await scripts()).gzip; // 104213
 * ```
 */
export function watchScripts(page: Page): () => Promise<Scripts> {
  const pending: Promise<{ path: string; sent: number; gzip: number }>[] = [];
  const onResponse = (r: Response) => {
    if (r.request().resourceType() !== 'script') return;
    pending.push((async () => {
      const [sizes, body] = await Promise.all([r.request().sizes(), r.body()]);
      return { path: new URL(r.url()).pathname, sent: sizes.responseBodySize, gzip: gzipSync(body, { level: 9 }).length };
    })());
  };
  page.on('response', onResponse);
  return async () => {
    page.off('response', onResponse);
    const all = await Promise.all(pending);
    return { sent: all.reduce((s, x) => s + x.sent, 0), gzip: all.reduce((s, x) => s + x.gzip, 0), files: all.length, paths: all.map((x) => x.path).sort() };
  };
}

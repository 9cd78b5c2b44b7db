import type { Page } from 'playwright-core';

/** One resource of a page load, times in ms from navigation start. */
export interface WaterfallEntry {
  path: string;
  kind: string;
  start: number;
  /** When the first byte of the answer arrived. */
  firstByte: number;
  end: number;
}

/** A page load's requests and long tasks (main thread busy 50 ms or more), from navigation start. */
export interface Waterfall {
  entries: WaterfallEntry[];
  longTasks: { start: number; duration: number }[];
  marks: { name: string; at: number }[];
}

/**
 * Starts observing long tasks in every page of `page`'s context from its first script on; call
 * before `goto`. {@link readWaterfall} reads them with the resource timings afterwards.
 *
 * @example
 * ```ts
 * await observeLongTasks(page);
 * await page.goto(url);
 * printWaterfall(await readWaterfall(page));
 * ```
 */
export async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // no long task timing in this browser
    }
  });
}

/** The page's resource timings (requests in start order), long tasks and performance marks. */
export async function readWaterfall(page: Page): Promise<Waterfall> {
  return page.evaluate(() => {
    const entries = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => {
      const u = new URL(e.name);
      return { path: `${u.pathname}${u.search}`, kind: e.initiatorType, start: Math.round(e.startTime), firstByte: Math.round(e.responseStart), end: Math.round(e.responseEnd) };
    });
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    if (nav) entries.unshift({ path: '(document)', kind: 'navigation', start: 0, firstByte: Math.round(nav.responseStart), end: Math.round(nav.responseEnd) });
    const marks = performance.getEntriesByType('mark').map((m) => ({ name: m.name, at: Math.round(m.startTime) }));
    const longTasks = (window as unknown as { __longTasks?: { start: number; duration: number }[] }).__longTasks ?? [];
    return { entries: entries.sort((a, b) => a.start - b.start), longTasks, marks };
  });
}

/** Prints a waterfall as lines `start-end (first byte) path`, then the long tasks and marks. */
export function printWaterfall(w: Waterfall, log: (line: string) => void = console.log): void {
  for (const e of w.entries) log(`[waterfall] ${String(e.start).padStart(5)}-${String(e.end).padStart(5)} ms (first byte ${String(e.firstByte).padStart(5)}) ${e.kind.padEnd(10)} ${decodeURIComponent(e.path).slice(0, 160)}`);
  for (const t of w.longTasks) log(`[waterfall] long task ${String(t.start).padStart(5)} ms, ${t.duration} ms`);
  for (const m of w.marks) log(`[waterfall] mark ${m.name} at ${m.at} ms`);
}

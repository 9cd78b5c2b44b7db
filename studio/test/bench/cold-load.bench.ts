import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { setDemoCredentials } from '../../../runtime/src/auth/demo-credentials';
import { seedDemo } from '../../../runtime/src/demo/seed';
import { startServer } from '../../../runtime/test/harness';
import { launchChromium } from '../browser/support/browser';
import { watchScripts, type Scripts } from '../browser/support/scripts';
import { buildStudio } from '../browser/support/studio-server';
import { startStudioFront } from './studio-front';
import { observeLongTasks, printWaterfall, readWaterfall } from './waterfall';

/**
 * `npm run bench:studio`: the studio's cold load in Chromium on the demo (8,800 deals, as the
 * demo admin sees them): the JavaScript of the sign-in page and of the board (bytes as sent,
 * and gzip -9 of each script), and the board's time to interactive (navigation start to the
 * columns loaded with their money figures shown), each run in a fresh browser context (cold
 * cache) against the goals (1.5 s, 250 kB). The last line is one JSON object.
 */
const GOALS = { boardInteractiveMs: 1500, jsGzipBytes: 250_000 };
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// BENCH_WATERFALL=1 prints the last run's requests, long tasks and marks (ms from navigation start)
const WATERFALL = process.env.BENCH_WATERFALL === '1';
const BOARD = '/board/pipeline.deal';
const STUDIO_DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const PASSWORD = 'bench-studio-password';

async function coldContext(browser: Browser, storageState?: Awaited<ReturnType<BrowserContext['storageState']>>): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1400, height: 900 }, ...(storageState ? { storageState } : {}) });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main() {
  const t0 = Date.now();
  await buildStudio();
  const server = await startServer({ name: 'pglite' }, { PIPEWRIGHT_DEMO_PASSWORD: PASSWORD });
  const browser = await launchChromium();
  try {
    await seedDemo(server.platform);
    const credentials = await setDemoCredentials(server.platform.database.db, PASSWORD);
    const admin = credentials.find((c) => c.role === 'admin');
    if (!admin) throw new Error('the demo has no admin credential');
    console.log(`[bench:studio] demo ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${RUNS} cold loads as ${admin.email}`);

    // the sign-in page, cold
    const signInContext = await coldContext(browser);
    const signInPage = await signInContext.newPage();
    const signInScripts = watchScripts(signInPage);
    await signInPage.goto(`${server.url}${BOARD}`);
    await signInPage.locator('#login-email').waitFor({ timeout: 30_000 });
    await signInPage.waitForLoadState('networkidle');
    const signIn = await signInScripts();
    await signInPage.locator('#login-email').fill(admin.email);
    await signInPage.locator('#login-password').fill(PASSWORD);
    await signInPage.getByRole('button', { name: /sign in/i }).click();
    await signInPage.locator('.shell').waitFor({ timeout: 30_000 });
    const session = await signInContext.storageState();
    await signInContext.close();

    // the board, signed in, each time with a cold cache
    const coldBoard = async (base: string, label: string, i: number, waterfall: boolean) => {
      const context = await coldContext(browser, session);
      const page = await context.newPage();
      const scripts = watchScripts(page);
      if (waterfall) await observeLongTasks(page);
      let apiCalls = 0;
      page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) apiCalls++; });
      await page.goto(`${base}${BOARD}`);
      const ms = await page.waitForFunction(() => {
        const ready = document.querySelector('[data-testid="board"][data-ready="true"]');
        const figures = document.querySelectorAll('[data-testid="board-totals"] dd').length;
        return ready && figures > 0 ? performance.now() : null;
      }, undefined, { polling: 'raf', timeout: 60_000 }).then((h) => h.jsonValue() as Promise<number>);
      await page.waitForLoadState('networkidle');
      const js = await scripts();
      if (waterfall) printWaterfall(await readWaterfall(page));
      console.log(`[bench:studio] ${label}board cold load ${i + 1}: interactive at ${Math.round(ms)} ms, ${apiCalls} API requests, ${js.files} scripts, ${js.sent} bytes sent`);
      await context.close();
      return { ms: Math.round(ms), js, apiCalls };
    };
    const times: number[] = [];
    let board: Scripts = { sent: 0, gzip: 0, files: 0, paths: [] };
    let requests = 0;
    // BENCH_BASELINE_DIST=<another checkout's studio/dist>: that build and this one, each behind an
    // equal front passing /api/ to this runtime, loaded in alternating order round by round
    const baselineDist = process.env.BENCH_BASELINE_DIST;
    const fronts = baselineDist ? { baseline: await startStudioFront(baselineDist, server.url), current: await startStudioFront(STUDIO_DIST, server.url) } : null;
    const baselineTimes: number[] = [];
    let baselineRequests = 0;
    try {
      for (let i = 0; i < RUNS; i++) {
        if (fronts && i % 2 === 0) {
          const b = await coldBoard(fronts.baseline.url, 'baseline ', i, false);
          baselineTimes.push(b.ms);
          baselineRequests = b.apiCalls;
        }
        const r = await coldBoard(fronts ? fronts.current.url : server.url, fronts ? 'this build ' : '', i, WATERFALL && i === RUNS - 1);
        times.push(r.ms);
        board = r.js;
        requests = r.apiCalls;
        if (fronts && i % 2 === 1) {
          const b = await coldBoard(fronts.baseline.url, 'baseline ', i, false);
          baselineTimes.push(b.ms);
          baselineRequests = b.apiCalls;
        }
      }
    } finally {
      await fronts?.baseline.close();
      await fronts?.current.close();
    }
    if (fronts) console.log(`[bench:studio] baseline (${baselineDist}) board interactive: median ${median(baselineTimes)} ms of ${baselineTimes.join(', ')}, ${baselineRequests} API requests`);
    const interactive = median(times);
    console.log(`[bench:studio] sign-in JS: ${signIn.gzip} bytes gzip -9 (${signIn.sent} sent, ${signIn.files} files), goal <= ${GOALS.jsGzipBytes}`);
    console.log(`[bench:studio] board JS: ${board.gzip} bytes gzip -9 (${board.sent} sent, ${board.files} files), goal <= ${GOALS.jsGzipBytes}`);
    console.log(`[bench:studio] board interactive: median ${interactive} ms of ${times.join(', ')}, goal < ${GOALS.boardInteractiveMs} ms`);
    const result = {
      bench: 'studio-cold-load',
      runs: RUNS,
      boardInteractiveMs: { median: interactive, runs: times, goal: GOALS.boardInteractiveMs, met: interactive < GOALS.boardInteractiveMs },
      boardApiRequests: requests,
      ...(fronts ? { baseline: { dist: baselineDist, boardInteractiveMs: { median: median(baselineTimes), runs: baselineTimes }, boardApiRequests: baselineRequests, note: 'both builds behind equal fronts passing /api/ to one runtime, alternating' } } : {}),
      signInJs: { gzipBytes: signIn.gzip, sentBytes: signIn.sent, files: signIn.files, goal: GOALS.jsGzipBytes, met: signIn.gzip <= GOALS.jsGzipBytes },
      boardJs: { gzipBytes: board.gzip, sentBytes: board.sent, files: board.files, goal: GOALS.jsGzipBytes, met: board.gzip <= GOALS.jsGzipBytes },
      // times depend on the machine: its cores and how busy they were (1-minute load average at the end)
      machine: { cores: cpus().length, loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)) },
    };
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});

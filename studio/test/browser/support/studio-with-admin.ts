import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium } from './browser';
import { startStudioServer, type StudioServer } from './studio-server';

/** What `studioWithAdmin` hands a test file once Chromium, the server and the admin are there. */
export interface StudioWithAdmin {
  browser: Browser;
  server: StudioServer;
  /** The administrator's user id. */
  adminId: string;
}

/**
 * For a `describe` block: before its tests, starts Chromium and a studio server (no demo data
 * unless `demo`; `env` adds runtime settings) and creates an administrator who can sign in with
 * the given email and password; after them, closes both. `ready` receives them before the
 * block's own `beforeAll` hooks run (vitest runs before-hooks in the order they are declared), so
 * those may use the server.
 *
 * @example
 * ```ts
 * let server: StudioServer;
 * let browser: Browser;
 * studioWithAdmin({ admin: { name: 'Olga Ops', email: 'olga@example.com', password: 'a long password' } }, (s) => ({ server, browser } = s));
 * pagePerTest(() => browser, { width: 1300, height: 900 }, (p) => (page = p));
 * ```
 */
export function studioWithAdmin(options: { admin: { name: string; email: string; password: string }; demo?: boolean; env?: Record<string, string> }, ready: (studio: StudioWithAdmin) => void): void {
  let browser: Browser | undefined;
  let server: StudioServer | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: options.demo ?? false, ...(options.env ? { env: options.env } : {}) });
    const created = await server.api('/api/users', { method: 'POST', json: { ...options.admin, roles: ['admin'] } });
    expect(created.status, await created.clone().text()).toBe(201);
    ready({ browser, server, adminId: ((await created.json()) as { id: string }).id });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}

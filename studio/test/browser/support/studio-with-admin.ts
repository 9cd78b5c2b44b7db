import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
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
 * Creates an administrator who can sign in with the given email and password; returns the user id.
 *
 * @example
 * ```ts
 * const id = await createAdmin(server, { name: 'Olga Ops', email: 'olga@example.com', password: 'a long password' });
 * ```
 */
export async function createAdmin(server: Pick<StudioServer, 'api'>, admin: { name: string; email: string; password: string }): Promise<string> {
  const created = await server.api('/api/users', { method: 'POST', json: { ...admin, roles: ['admin'] } });
  const text = await created.text();
  if (created.status !== 201) throw new Error(`creating the admin ${admin.email}: ${created.status} ${text}`);
  return (JSON.parse(text) as { id: string }).id;
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
    ready({ browser, server, adminId: await createAdmin(server, options.admin) });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}

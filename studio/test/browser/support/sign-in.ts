import type { Page } from 'playwright-core';

/** The demo administrator (runtime/src/demo/org.ts). */
export const DEMO_ADMIN_EMAIL = 'admin@demo.pipewright.dev';

/**
 * Opens a studio address and, when the runtime asks for a sign-in, signs in as the demo admin
 * (or the user whose email is given).
 *
 * @example
 * ```ts
 * await openStudio(page, `${server.url}/records/pipeline.deal`, server.demoPassword);
 * ```
 */
export async function openStudio(page: Page, url: string, password: string, email = DEMO_ADMIN_EMAIL): Promise<void> {
  await page.goto(url);
  const login = page.locator('#login-email');
  const shell = page.locator('.shell');
  await login.or(shell).first().waitFor({ timeout: 20_000 });
  if (await login.isVisible()) {
    await login.fill(email);
    await page.locator('#login-password').fill(password);
    await page.getByRole('button', { name: /sign in|登录/i }).click();
    await shell.waitFor({ timeout: 20_000 });
  }
}

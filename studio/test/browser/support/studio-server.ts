import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildOnce } from './build-once';
import { setDemoCredentials } from '../../../../runtime/src/auth/demo-credentials';
import { seedDemo } from '../../../../runtime/src/demo/seed';
import { startServer, type TestServer } from '../../../../runtime/test/harness';

const STUDIO_DIR = fileURLToPath(new URL('../../../', import.meta.url));
/** Where browser tests leave their screenshots (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../../test-artifacts/studio/', import.meta.url));

/**
 * Builds the studio into `studio/dist` with its production config (the runtime serves that
 * folder under its CSP), unless a build newer than every source is already there.
 *
 * @example
 * ```ts
 * await buildStudio();
 * ```
 */
export async function buildStudio(): Promise<void> {
  // test files run in parallel workers: one builds, the others reuse a build newer than the sources
  await buildOnce(STUDIO_DIR, async () => {
    // vitest sets NODE_ENV=test and vite build keeps an existing NODE_ENV, which would bundle
    // React's development build (slow, and not what the runtime serves): build as production
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: STUDIO_DIR, configFile: `${STUDIO_DIR}vite.config.ts`, logLevel: 'warn', mode: 'production' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  });
  if (!existsSync(`${STUDIO_DIR}dist/index.html`)) throw new Error('vite build produced no studio/dist/index.html');
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
}

/** A running runtime (PGlite, in-process) serving a fresh studio build, with or without demo data. */
export interface StudioServer extends TestServer {
  /** Password of the demo users when the runtime has authentication. */
  demoPassword: string;
  /** Email of the demo rep who can sign in (the one with the most deals), with demo data. */
  demoRepEmail: string | null;
}

/**
 * Builds the studio, then starts the real runtime on in-memory PGlite serving it; seeds the demo
 * data set (8,800 deals, ~15 s) and the demo sign-in when `demo` is set; `env` adds runtime
 * settings (e.g. `PIPEWRIGHT_PLUGINS`). Share one per test file.
 *
 * @example
 * ```ts
 * const server = await startStudioServer({ demo: true });
 * await page.goto(server.url);
 * ```
 */
export async function startStudioServer(options: { demo: boolean; env?: Record<string, string> }): Promise<StudioServer> {
  await buildStudio();
  const demoPassword = 'studio-browser-tests';
  const server = await startServer({ name: 'pglite' }, { ...options.env, PIPEWRIGHT_DEMO_PASSWORD: demoPassword });
  let demoRepEmail: string | null = null;
  if (options.demo) {
    await seedDemo(server.platform);
    // as `npm start` does on a first demo start: the demo admin and rep can sign in
    const credentials = await setDemoCredentials(server.platform.database.db, demoPassword);
    demoRepEmail = credentials.find((c) => c.role === 'rep')?.email ?? null;
  }
  return { ...server, demoPassword, demoRepEmail };
}

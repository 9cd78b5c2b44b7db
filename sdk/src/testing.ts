import { existsSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type ApiFetch } from '@pipewright/runtime/test-harness';

/** The roles the test kit signs in: one user each, in the same team. */
export type TestRole = 'admin' | 'manager' | 'rep';

/** `fetch` relative to the test platform; `json` is sent as a JSON body. */
export type TestFetch = (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;

/** A client signed in (session cookie plus CSRF header) as the user of one role. */
export interface TestClient {
  /** The signed-in user's id (`owner` of what they create). */
  userId: string;
  api: TestFetch;
}

export interface TestPlatformOptions {
  /** Plugin folders to load besides the built-in plugins (a plugin folder, or a folder of them). */
  plugins?: string[];
  /** PostgreSQL URL; in-memory PGlite when absent. A fresh schema is made and dropped on close. */
  databaseUrl?: string;
  /** Extra environment, as the server reads it (`PIPEWRIGHT_*`). */
  env?: Record<string, string>;
  /**
   * Leave every process a draft (by default the pipeline's `new_business` process is published,
   * as the demo seed or an admin would, so deals can be created).
   */
  drafts?: boolean;
}

export interface TestPlatform {
  /** Base URL of the running server (127.0.0.1, ephemeral port). */
  url: string;
  admin: TestClient;
  manager: TestClient;
  rep: TestClient;
  /** A client for one role. */
  as(role: TestRole): TestClient;
  /** fetch without credentials. */
  anonymous: TestFetch;
  /** Lines the platform logged (plugin load, job failures). */
  logs: string[];
  /** Stops the server and drops its database; fails if a secret leaked into a response or log. */
  close(): Promise<void>;
}

/** The packed SDK ships a built copy of the built-in plugins next to this module. */
function bundledBuiltins(): string | undefined {
  const dir = fileURLToPath(new URL('./plugins/', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

/**
 * Starts the Pipewright platform for a plugin's tests: the real HTTP server on an ephemeral port,
 * on in-memory PGlite (or PostgreSQL), with the built-in plugins and the given plugin folders
 * loaded, a test org, and a signed-in client per role. It is the platform's own test harness.
 *
 * @example
 * ```ts
 * const platform = await startTestPlatform({ plugins: [process.cwd()] });
 * const res = await platform.rep.api('/api/records/acme_visits.visit', { method: 'POST', json: { data: { subject: 'Intro' } } });
 * await platform.close();
 * ```
 */
export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const env: Record<string, string> = { ...(options.env ?? {}) };
  if (options.plugins?.length) env.PIPEWRIGHT_PLUGINS = options.plugins.map((p) => resolve(p)).join(delimiter);
  const builtins = bundledBuiltins();
  const server = await startServer(options.databaseUrl ? { name: 'postgres', url: options.databaseUrl } : { name: 'pglite' }, env, { ...(options.drafts ? { drafts: true } : {}), ...(builtins ? { builtinPluginsDir: builtins } : {}) });
  const client = (role: TestRole): TestClient => {
    const c = server.as(role);
    return { userId: c.userId, api: c.api as TestFetch };
  };
  const clients = { admin: client('admin'), manager: client('manager'), rep: client('rep') };
  return {
    url: server.url,
    ...clients,
    as: (role) => clients[role],
    anonymous: server.anonymous satisfies ApiFetch as TestFetch,
    logs: server.logs,
    close: () => server.close(),
  };
}

import { request } from '../api/client';

/** A company plugin's studio module, as `GET /api/studio/plugins` lists it. */
export interface StudioModuleInfo {
  id: string;
  /** Same-origin address of the built ES module (`/plugins/acme/studio.js?v=…`). */
  module: string;
}

/**
 * Imports the studio modules of the company plugins the runtime loaded (served from the
 * runtime's own origin, so the CSP stays `script-src 'self'`), skipping those already bundled.
 * A module that fails to import is reported with its plugin, never thrown.
 *
 * @example
 * ```ts
 * for (const r of await loadCompanyModules(new Set(registry.plugins))) r.ok ? registry.install(r.module, host, r.id) : registry.fail(r.id, r.message);
 * ```
 */
export async function loadCompanyModules(bundled: ReadonlySet<string>, signal?: AbortSignal): Promise<({ id: string; ok: true; module: unknown } | { id: string; ok: false; message: string })[]> {
  const { items } = await request<{ items: StudioModuleInfo[] }>('GET', '/api/studio/plugins', signal ? { signal } : {});
  return Promise.all(
    items
      .filter((p) => !bundled.has(p.id))
      .map(async (p) => {
        try {
          return { id: p.id, ok: true as const, module: (await import(/* @vite-ignore */ p.module)) as unknown };
        } catch (err) {
          return { id: p.id, ok: false as const, message: err instanceof Error ? err.message : String(err) };
        }
      }),
  );
}

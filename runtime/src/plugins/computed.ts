import type { ComputedValues, PluginServices, Registry } from '@pipewright/core';
import { systemPrincipal, type Principal } from '../auth/principal';
import type { ComputedReads } from '../records/store';
import type { RecordView } from '../records/view';
import { callerOf } from './caller';
import { pluginRecord } from './records';

/**
 * Runs plugins' `computed` contributions on the records API's reads: each page of records of an
 * entity goes, once, to the function its plugin declared, with the plugin's services as its
 * system principal (a figure does not depend on who reads it) and the reader; the answer's
 * objects become the records' `computed` member. A function that throws or answers something
 * other than a Map is logged and the page is answered without `computed`.
 *
 * @example
 * ```ts
 * store.computed = new PluginComputed(registry, (plugin, p) => host.services(plugin, p), log);
 * ```
 */
export class PluginComputed implements ComputedReads {
  readonly #byType = new Map<string, { plugin: string; fn: ComputedValues }>();

  constructor(
    registry: Registry,
    private readonly services: (plugin: string, principal: Principal) => PluginServices,
    private readonly log: (line: string) => void,
  ) {
    for (const p of registry.plugins) for (const [type, fn] of Object.entries(p.runtime?.computed ?? {})) this.#byType.set(type, { plugin: p.manifest.id, fn });
  }

  get size(): number {
    return this.#byType.size;
  }

  has(type: string): boolean {
    return this.#byType.has(type);
  }

  async attach(type: string, views: RecordView[], reader: Principal): Promise<RecordView[]> {
    const entry = this.#byType.get(type);
    if (!entry || views.length === 0) return views;
    try {
      const values = await entry.fn(views.map(pluginRecord), this.services(entry.plugin, systemPrincipal(`plugin:${entry.plugin}`)), callerOf(reader));
      if (!(values instanceof Map)) throw new Error('computed values must be a Map from record id to an object');
      return views.map((v) => {
        const c: unknown = values.get(v.id);
        return c && typeof c === 'object' && !Array.isArray(c) ? { ...v, computed: c as Record<string, unknown> } : v;
      });
    } catch (err) {
      this.log(`[plugin:${entry.plugin}] error computed values of ${type} failed, answered without them: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return views;
    }
  }
}

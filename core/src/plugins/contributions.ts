import type { Ajv2020 } from 'ajv/dist/2020.js';
import { PluginError } from '../errors';
import type { LoadedPlugin, Registry } from './registry';
import type { LoadedEntity } from './types';

const KIND = /^[a-z][a-z0-9_]{0,39}$/;
const ROUTE_PATH = /^(\/(:?[a-z][a-z0-9_-]{0,62}))+$/;
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const CRON = /^\S+( \S+){4}$/;

/**
 * Checks the code contributions of a loaded plugin's runtime part against what it may touch:
 * hooks only on its own entities or those of plugins it depends on, visibility only on its own,
 * routes with valid paths and compilable schemas, schedules only for its job kinds, a config
 * schema that compiles. Any problem is a {@link PluginError} naming the plugin and the member.
 *
 * @example
 * ```ts
 * checkRuntimeContributions(ajv, registry, { manifest, location, runtime });
 * ```
 */
export function checkRuntimeContributions(ajv: Ajv2020, registry: Registry, plugin: LoadedPlugin): void {
  const id = plugin.manifest.id;
  const rt = plugin.runtime;
  if (!rt) return;
  const file = `${plugin.location}/${plugin.manifest.runtime ?? 'plugin.json'}`;
  const fail = (code: string, pointer: string, message: string, cause?: unknown): never => {
    throw new PluginError({ code, plugin: id, file, pointer, message: `Plugin "${id}": ${message}`, ...(cause === undefined ? {} : { cause }) });
  };
  const depends = new Set(Object.keys(plugin.manifest.dependsOn ?? {}));
  const compiles = (schema: unknown, pointer: string) => {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) fail('plugin.invalid-schema', pointer, `${pointer} must be a JSON Schema object.`);
    try {
      ajv.compile(schema as object);
    } catch (err) {
      fail('plugin.invalid-schema', pointer, `${pointer} is not a valid JSON Schema: ${(err as Error).message}`, err);
    }
  };
  for (const [type, hooks] of Object.entries(rt.hooks ?? {})) {
    const entity = registry.entities.get(type);
    if (!entity) fail('plugin.unknown-entity', `/hooks/${type}`, `hooks name entity "${type}", which is not loaded.`);
    else if (entity.plugin !== id && !depends.has(entity.plugin)) fail('plugin.undeclared-hook-entity', `/hooks/${type}`, `hooks on "${type}" need "${entity.plugin}" in dependsOn.`);
    for (const [name, fn] of Object.entries(hooks ?? {})) {
      if (!['when', 'validate', 'beforeChange', 'afterChange'].includes(name) || typeof fn !== 'function') fail('plugin.invalid-hook', `/hooks/${type}/${name}`, `"${name}" is not a hook (when, validate, beforeChange, afterChange are, as functions).`);
    }
  }
  for (const type of Object.keys(rt.visibility ?? {})) {
    const entity = registry.entities.get(type);
    if (!entity || entity.plugin !== id) fail('plugin.invalid-visibility', `/visibility/${type}`, `visibility rules are for the plugin's own entities; "${type}" is not one.`);
    const v = rt.visibility?.[type];
    if (typeof v === 'function') continue;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('plugin.invalid-visibility', `/visibility/${type}`, 'a visibility rule is a function of the caller, or { widen?, narrow? } of such functions.');
    for (const [name, fn] of Object.entries(v as object)) {
      if (!['widen', 'narrow'].includes(name) || typeof fn !== 'function') fail('plugin.invalid-visibility', `/visibility/${type}/${name}`, `"${name}" is not a visibility member (widen and narrow are, as functions of the caller).`);
    }
  }
  for (const [type, fn] of Object.entries(rt.computed ?? {})) {
    const entity = registry.entities.get(type);
    if (!entity || entity.plugin !== id) fail('plugin.invalid-computed', `/computed/${type}`, `computed values are for the plugin's own entities; "${type}" is not one.`);
    if (typeof fn !== 'function') fail('plugin.invalid-computed', `/computed/${type}`, 'computed values are a function of a page of records.');
  }
  const seen = new Set<string>();
  (rt.routes ?? []).forEach((r, i) => {
    const at = `/routes/${i}`;
    if (!METHODS.has(r.method)) fail('plugin.invalid-route', `${at}/method`, `route ${i} has method "${String(r.method)}"; use get, post, put, patch or delete.`);
    if (typeof r.path !== 'string' || !ROUTE_PATH.test(r.path)) fail('plugin.invalid-route', `${at}/path`, `route path "${String(r.path)}" must look like /name/:param (lower case).`);
    const key = `${r.method} ${r.path.replace(/:[^/]+/g, ':')}`;
    if (seen.has(key)) fail('plugin.duplicate-route', `${at}/path`, `route ${r.method.toUpperCase()} ${r.path} is declared twice.`);
    seen.add(key);
    if (typeof r.handler !== 'function') fail('plugin.invalid-route', `${at}/handler`, `route ${r.method.toUpperCase()} ${r.path} has no handler.`);
    if (typeof r.summary !== 'string' || r.summary.length === 0) fail('plugin.invalid-route', `${at}/summary`, `route ${r.method.toUpperCase()} ${r.path} needs a summary (it documents the route in OpenAPI).`);
    compiles(r.response, `${at}/response`);
    if (r.body !== undefined) {
      if (r.method === 'get') fail('plugin.invalid-route', `${at}/body`, 'a GET route has no body.');
      compiles(r.body, `${at}/body`);
    }
    for (const [name, schema] of Object.entries(r.query ?? {})) compiles(stripRequired(schema), `${at}/query/${name}`);
  });
  for (const [kind, handler] of Object.entries(rt.jobs ?? {})) {
    if (!KIND.test(kind)) fail('plugin.invalid-job', `/jobs/${kind}`, `job kind "${kind}" must match ${KIND.source}.`);
    if (typeof handler !== 'function') fail('plugin.invalid-job', `/jobs/${kind}`, `job kind "${kind}" needs a handler function.`);
  }
  for (const [kind, schedule] of Object.entries(rt.schedules ?? {})) {
    if (!Object.hasOwn(rt.jobs ?? {}, kind)) fail('plugin.unknown-job', `/schedules/${kind}`, `a schedule names job kind "${kind}", which the plugin has no handler for.`);
    if (typeof schedule?.cron !== 'string' || !CRON.test(schedule.cron.trim())) fail('plugin.invalid-schedule', `/schedules/${kind}/cron`, `the schedule of "${kind}" needs a five-field cron expression.`);
    if (schedule?.afterDemoSeed !== undefined && typeof schedule.afterDemoSeed !== 'boolean') fail('plugin.invalid-schedule', `/schedules/${kind}/afterDemoSeed`, `afterDemoSeed of "${kind}" is true or false.`);
  }
  if (rt.config !== undefined) {
    const schema = rt.config.schema;
    if (schema?.type !== 'object' || typeof schema.properties !== 'object') fail('plugin.invalid-config', '/config/schema', 'config.schema must be an object schema with properties.');
    compiles(schema, '/config/schema');
  }
}

/** A query parameter's schema without the `required` flag (a member of the route, not of JSON Schema). */
export function stripRequired(schema: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...schema };
  delete rest.required;
  return rest;
}

/** Top-level `/api/` segments the platform uses: an entity's `apiAlias` may not take one. */
export const RESERVED_API_SEGMENTS: ReadonlySet<string> = new Set(['approvals', 'audit', 'auth', 'dashboards', 'entities', 'health', 'imports', 'incidents', 'metrics', 'notifications', 'org-units', 'pipeline', 'plugins', 'processes', 'records', 'rules', 'saved-views', 'studio', 'tokens', 'users']);

/**
 * Checks an entity's `apiAlias`: only a stageful entity has one, it may not take a platform
 * path, and two entities may not share one.
 *
 * @example
 * ```ts
 * checkApiAlias(registry, registry.entity('acme.ticket')); // alias "tickets"
 * ```
 */
export function checkApiAlias(registry: Registry, entity: LoadedEntity): void {
  const alias = entity.apiAlias;
  if (alias === undefined) return;
  const fail = (message: string): never => {
    throw new PluginError({ code: 'plugin.invalid-api-alias', plugin: entity.plugin, file: entity.file, pointer: '/apiAlias', message: `Entity "${entity.fullId}": ${message}` });
  };
  if (!entity.stageful) fail(`apiAlias "${alias}" is for the transitions of a stageful entity; this one has no stages.`);
  if (RESERVED_API_SEGMENTS.has(alias)) fail(`apiAlias "${alias}" is a platform path (/api/${alias}); choose another.`);
  for (const other of registry.entities.values()) if (other !== entity && other.apiAlias === alias) fail(`apiAlias "${alias}" is already taken by "${other.fullId}".`);
}

import type { PluginRuntime } from '@pipewright/plugin-sdk';

// The SDK exports `definePlugin` and the action types; the service types are derived from its
// `PluginRuntime` here so this plugin needs no change to shared platform files (other branches
// add `export type * from './services'` to the SDK, after which these can be imported directly).

/** A route of the plugin (`/api/plugins/handoff<path>`). */
export type PluginRoute = NonNullable<PluginRuntime['routes']>[number];
/** What a route handler receives. */
export type RouteContext = Parameters<PluginRoute['handler']>[0];
/** The services every piece of plugin code receives. */
export type PluginServices = Omit<RouteContext, 'params' | 'query' | 'body' | 'language' | 'system'>;
/** A record as plugin code sees it. */
export type PluginRecord = NonNullable<Awaited<ReturnType<PluginServices['records']['get']>>>;
/** A problem a validate hook reports. */
export type HookProblem = Exclude<Awaited<ReturnType<NonNullable<NonNullable<PluginRuntime['hooks']>[string]['validate']>>>, void>[number];
/** Services routing needs: records without `create` in action handlers (their `create` is once per execution). */
export type RoutingServices = Omit<PluginServices, 'records'> & { records: Pick<PluginServices['records'], 'get' | 'list' | 'update'> & { create?: PluginServices['records']['create'] } };

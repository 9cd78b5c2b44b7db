import type { PluginRuntime } from '@pipewright/plugin-sdk';

/** The platform's route type, as the SDK's `definePlugin` takes it. */
export type PluginRoute = NonNullable<PluginRuntime['routes']>[number];
/** What a route handler receives: the plugin services bound to the caller, plus the request. */
export type RouteContext = Parameters<PluginRoute['handler']>[0];
/** A record as plugin code sees it. */
export type PluginRecord = NonNullable<Awaited<ReturnType<RouteContext['records']['get']>>>;

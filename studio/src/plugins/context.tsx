import { Component, createContext, Suspense, useContext, useEffect, useState, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n, loadWithLanguage } from '../i18n/setup';
import { builtinStudioModules } from './builtin';
import { loadCompanyModules } from './company';
import { studioHost } from './host';
import { StudioRegistry } from './registry';

const RegistryContext = createContext<StudioRegistry>(new StudioRegistry());

/**
 * The registry of plugin contributions.
 *
 * @example
 * ```tsx
 * const plugins = useStudioPlugins();
 * plugins.panelsFor(entity, byId);
 * ```
 */
export function useStudioPlugins(): StudioRegistry {
  return useContext(RegistryContext);
}

/**
 * A new registry with the built-in plugins' studio halves (bundled) set up: their manifests
 * (pages, boards, translations); a failing one is kept in the registry's failures.
 *
 * @example
 * ```ts
 * builtinRegistry().boards; // [{ entity: 'acme.ticket', values: ['acme.open_value'] }]
 * ```
 */
export function builtinRegistry(): StudioRegistry {
  const r = new StudioRegistry();
  const host = (plugin: string) => studioHost(plugin, r);
  for (const { folder, module } of builtinStudioModules()) r.install(module, host, folder);
  return r;
}

/**
 * Sets up the built-in plugins' studio halves ({@link builtinRegistry}), then imports the company
 * plugins' modules the runtime serves, and provides the registry. Failures are kept in the
 * registry and shown by {@link PluginFailures}; the studio always starts.
 *
 * @example
 * ```tsx
 * <AuthGate><PluginsProvider><EntitiesProvider>…</EntitiesProvider></PluginsProvider></AuthGate>
 * ```
 */
export function PluginsProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [registry, setRegistry] = useState<StudioRegistry | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    const r = builtinRegistry();
    const host = (plugin: string) => studioHost(plugin, r);
    // the reader's language of the plugins' text loads beside the company plugins (those join it
    // when installed); a language switch loads the plugins' text before it switches
    void r.loadLanguage(i18n.language);
    const stop = loadWithLanguage((lng) => r.loadLanguage(lng));
    loadCompanyModules(new Set(r.plugins), ctrl.signal)
      .then((loaded) => {
        for (const m of loaded) if (m.ok) r.install(m.module, host, m.id); else r.fail(m.id, m.message);
      })
      .catch((err: unknown) => !ctrl.signal.aborted && r.fail('*', err instanceof Error ? err.message : String(err)))
      .then(() => r.loadLanguage(i18n.language))
      .finally(() => !ctrl.signal.aborted && setRegistry(r));
    return () => {
      stop();
      ctrl.abort();
    };
  }, []);
  if (!registry) return <p className="splash" role="status">{t('status.loading')}</p>;
  return <RegistryContext.Provider value={registry}>{children}</RegistryContext.Provider>;
}

/**
 * The plugins whose studio half failed to load or set up, each in an error panel naming it.
 *
 * @example
 * ```tsx
 * <PluginFailures />
 * ```
 */
export function PluginFailures() {
  const { t } = useTranslation();
  const { failures } = useStudioPlugins();
  if (failures.length === 0) return null;
  return (
    <>
      {failures.map((f) => (
        <div key={`${f.plugin}:${f.message}`} role="alert" className="panel error-panel" data-testid="plugin-error" data-plugin={f.plugin}>
          <h2>{f.plugin === '*' ? t('plugins.listFailed') : t('plugins.loadFailed', { plugin: f.plugin })}</h2>
          <p>{f.message}</p>
        </div>
      ))}
    </>
  );
}

interface BoundaryState {
  error: Error | null;
}

/**
 * Catches a plugin contribution that throws while rendering (or whose lazily loaded code fails
 * to load) and shows an error panel naming the plugin in its place; the rest of the page stays.
 * A contribution still loading its code shows a status line in its place.
 *
 * @example
 * ```tsx
 * <PluginBoundary plugin="crm"><Panel … /></PluginBoundary>
 * ```
 */
export class PluginBoundary extends Component<{ plugin: string; children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn(`Plugin ${this.props.plugin} failed while rendering`, error, info.componentStack);
  }

  override render(): ReactNode {
    // a plugin's parts may be lazy (lazyComponent): each waits for its code in place
    if (!this.state.error) return <Suspense fallback={<span role="status" className="muted" data-testid="plugin-loading">{i18n.t('status.loading')}</span>}>{this.props.children}</Suspense>;
    return (
      <div role="alert" className="panel error-panel" data-testid="plugin-error" data-plugin={this.props.plugin}>
        <h2>{i18n.t('plugins.renderFailed', { plugin: this.props.plugin })}</h2>
        <p>{this.state.error.message}</p>
        <button type="button" onClick={() => this.setState({ error: null })}>{i18n.t('actions.retry')}</button>
      </div>
    );
  }
}

import * as React from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, request } from '../api/client';
import { useEntities } from '../app/entities-context';
import { EChart } from '../dashboards/EChart';
import { formatValue, recordTitle } from '../entities/format';
import type { EntityInfo, FieldInfo } from '../api/types';
import type { HostUi, RuleBuilderProps, RuleVariable, StudioHost } from '../plugin-api/types';
import type { StudioRegistry } from './registry';

/**
 * Fills `{{name}}` placeholders of a plugin message.
 *
 * @example
 * ```ts
 * interpolate('{{n}} visits', { n: 3 }); // '3 visits'
 * ```
 */
export function interpolate(message: string, values: Record<string, unknown> = {}): string {
  return message.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

function Panel({ title, testId, children }: { title: string; testId?: string; children?: React.ReactNode }) {
  const id = React.useId();
  return (
    <section className="panel" aria-labelledby={id} {...(testId ? { 'data-testid': testId } : {})}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * The entity-like shape the rule builder reads for a plugin's own variables: dotted names become
 * nested object properties, so `{"var": "pipeline.won_count"}` type-checks as a number.
 *
 * @example
 * ```ts
 * variablesEntity([{ name: 'pipeline.won_count', type: 'number' }]).schema.properties.pipeline; // { type: 'object', properties: { won_count: { type: 'number' } } }
 * ```
 */
export function variablesEntity(variables: readonly RuleVariable[]): EntityInfo {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const v of variables) {
    const parts = v.name.split('.');
    let at = properties;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) at[part] = { type: v.type, ...(v.title ? { title: v.title } : {}) };
      else {
        const next = (at[part] ??= { type: 'object', properties: {} }) as { properties: Record<string, Record<string, unknown>> };
        at = next.properties;
      }
    });
  }
  const fields: FieldInfo[] = variables.map((v) => ({ name: v.name, type: v.type, required: false, ...(v.title ? { title: v.title } : {}) }));
  return { fullId: '', id: '', plugin: '', label: '', labelPlural: '', schema: { type: 'object', properties } as EntityInfo['schema'], fields };
}

// The rule builder (React Flow, dagre, the rule engine) loads when a plugin first shows one.
const LazyRuleBuilder = React.lazy(() => import('./PluginRuleBuilder').then((m) => ({ default: m.PluginRuleBuilder })));

function PluginRuleBuilder(props: RuleBuilderProps) {
  return (
    <React.Suspense fallback={<p role="status" className="muted">…</p>}>
      <LazyRuleBuilder {...props} />
    </React.Suspense>
  );
}

const ui: HostUi = {
  Link: ({ href, className, children }) => <Link href={href} {...(className ? { className } : {})}>{children}</Link>,
  Panel,
  formatValue: (field, value, language) => formatValue(field as Parameters<typeof formatValue>[0], value, language),
  recordTitle: (entity, data, id) => recordTitle(entity as Parameters<typeof recordTitle>[0], data, id),
  Chart: ({ option, label, testId }) => (
    <div className="plugin-chart" {...(testId ? { 'data-testid': testId } : {})}>
      <EChart option={option} label={label} />
    </div>
  ),
  RuleBuilder: PluginRuleBuilder,
};

/**
 * The host a plugin's `setup` receives: the studio's own React (one instance), API client, UI
 * kit and hooks for its messages, the language, the entity catalogue and navigation.
 *
 * @example
 * ```ts
 * registry.install(module, (plugin) => studioHost(plugin, registry));
 * ```
 */
export function studioHost(plugin: string, registry: StudioRegistry): StudioHost {
  return {
    React,
    plugin,
    api: {
      request: (method, path, options) => request(method, path, options ?? {}),
      list: (type, params, signal) => api.list(type, params, signal),
      get: (type, id, signal) => api.get(type, id, signal),
    },
    ui,
    useT() {
      const { i18n } = useTranslation();
      const language = i18n.language;
      return React.useCallback((key: string, values?: Record<string, unknown>) => {
        const messages = registry.translation(plugin, language)?.messages ?? {};
        return interpolate(messages[key] ?? registry.translation(plugin, 'en')?.messages?.[key] ?? key, values);
      }, [language]);
    },
    useLanguage: () => useTranslation().i18n.language,
    useEntities,
    useNavigate() {
      const [, navigate] = useLocation();
      return React.useCallback((to: string) => navigate(to), [navigate]);
    },
  };
}

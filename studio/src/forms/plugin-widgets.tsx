import type { UiSchema, WidgetProps } from '@rjsf/utils';
import type { ComponentType } from 'react';
import type { EntityInfo } from '../api/types';
import type { FieldWidget } from '../plugin-api/types';
import { PluginBoundary } from '../plugins/context';
import type { Owned } from '../plugins/registry';

/**
 * The plugin field widget a field of an entity uses, by name (`acme.color`): the one its form
 * hints name (`"ui:widget": "acme.color"`), else the one named by its schema `format`.
 *
 * @example
 * ```ts
 * fieldWidgetName(visit, 'colour'); // 'acme.color'
 * ```
 */
export function fieldWidgetName(entity: EntityInfo, field: string): string | undefined {
  const hint = (entity.ui?.form?.[field] as UiSchema | undefined)?.['ui:widget'];
  if (typeof hint === 'string' && hint.includes('.')) return hint;
  const format = entity.schema.properties?.[field]?.format;
  return typeof format === 'string' && format.includes('.') ? format : undefined;
}

/**
 * The uiSchema additions a form needs for plugin content: each field whose schema `format` is a
 * plugin widget's name renders with that widget, and enums get their translated labels.
 *
 * @example
 * ```ts
 * pluginUi(visit, new Set(['acme.color'])); // { colour: { 'ui:widget': 'acme.color' } }
 * ```
 */
export function pluginUi(entity: EntityInfo, widgetNames: ReadonlySet<string>): UiSchema {
  const ui: UiSchema = {};
  for (const [name, prop] of Object.entries(entity.schema.properties ?? {})) {
    if (typeof prop.format === 'string' && widgetNames.has(prop.format)) ui[name] = { 'ui:widget': prop.format };
  }
  for (const f of entity.fields) if (f.enumLabels) ui[f.name] = { ...((ui[f.name] as UiSchema | undefined) ?? {}), 'ui:enumNames': f.enumLabels };
  return ui;
}

const adapted = new WeakMap<FieldWidget, ComponentType<WidgetProps>>();

/**
 * The rjsf widgets of the plugins' field widgets, by name, each behind an error panel naming
 * its plugin.
 *
 * @example
 * ```tsx
 * <Form widgets={{ ...widgets, ...rjsfWidgets(registry.fieldWidgets) }} />
 * ```
 */
export function rjsfWidgets(widgets: ReadonlyMap<string, Owned<FieldWidget>>): Record<string, ComponentType<WidgetProps>> {
  const out: Record<string, ComponentType<WidgetProps>> = {};
  for (const [name, w] of widgets) {
    let c = adapted.get(w);
    if (!c) {
      const Widget = w.component;
      c = function PluginWidget(p: WidgetProps) {
        return (
          <PluginBoundary plugin={w.plugin}>
            <Widget id={p.id} value={p.value} required={p.required ?? false} disabled={p.disabled ?? false} readonly={p.readonly ?? false} label={p.label} onChange={p.onChange} onBlur={p.onBlur} onFocus={p.onFocus} />
          </PluginBoundary>
        );
      };
      adapted.set(w, c);
    }
    out[name] = c;
  }
  return out;
}

import { getDefaultRegistry } from '@rjsf/core';
import { ADDITIONAL_PROPERTY_FLAG, type FieldTemplateProps, type RJSFSchema, type UiSchema } from '@rjsf/utils';

const DefaultFieldTemplate = getDefaultRegistry().templates.FieldTemplate;

/** Nothing to show: no value, an empty text, list or map. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/**
 * A map (`additionalProperties` with no named properties), e.g. saved-rule id to pinned version.
 * rjsf lists a value's keys as properties flagged `__additional_property`; those do not count.
 */
export function isMapSchema(schema: RJSFSchema): boolean {
  const props = Object.values((schema.properties ?? {}) as Record<string, unknown>);
  const named = props.filter((p) => !(p && typeof p === 'object' && ADDITIONAL_PROPERTY_FLAG in p));
  return schema.type === 'object' && named.length === 0 && typeof schema.additionalProperties === 'object';
}

/**
 * A plugin's own widget or field renders it (namespaced: `handoff.routing`): that rendering owns
 * its empty case. The studio's own (reference, money, json, textarea) follow the generic rule.
 */
function pluginRendering(ui: UiSchema | undefined): boolean {
  return [ui?.['ui:widget'], ui?.['ui:field']].some((w) => typeof w === 'string' && w.includes('.'));
}

/** How {@link FieldTemplate} shows a field: the default rjsf way, not at all, or as a read-only list. */
export type FieldDisplay = 'default' | 'none' | 'map';

/**
 * How a field of a generated form is shown, from what rjsf knows of it:
 * - `ui:widget: hidden` (any type, objects and arrays included): not at all;
 * - read-only (`ui:readonly`, `readOnly`) and empty: not at all. These are system fields the
 *   server fills (pinned rule versions, computed totals); an empty read-only box tells the user
 *   nothing and looks like something to fill in;
 * - a read-only map with entries and no `ui:field` of its own: as a list of key and value
 *   (`map`), not as disabled key/value inputs;
 * - anything else, and any field a plugin's own widget or field renders: the default.
 *
 * @example
 * ```ts
 * fieldDisplay({ schema: { type: 'object', additionalProperties: { type: 'integer' } }, uiSchema: {}, readonly: true, formData: {}, root: false }); // 'none'
 * ```
 */
export function fieldDisplay(f: { schema: RJSFSchema; uiSchema?: UiSchema | undefined; readonly: boolean; hidden?: boolean | undefined; formData: unknown; root: boolean }): FieldDisplay {
  if (f.root) return 'default';
  if (f.hidden) return 'none';
  if (!f.readonly || pluginRendering(f.uiSchema)) return 'default';
  if (isEmptyValue(f.formData)) return 'none';
  return isMapSchema(f.schema) && !f.uiSchema?.['ui:field'] && typeof f.formData === 'object' ? 'map' : 'default';
}

const show = (v: unknown): string => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * The studio's rjsf field template: rjsf's own, except for hidden fields (which rjsf leaves in
 * a `div.hidden` the studio has no style for, so hidden objects showed) and read-only system
 * fields (see {@link fieldDisplay}). Every generated form (records, 422 subsets, action
 * configuration) uses it, so no entity needs a special case.
 *
 * @example
 * ```tsx
 * <Form templates={{ FieldTemplate }} ... />
 * ```
 */
export function FieldTemplate(props: FieldTemplateProps) {
  const display = fieldDisplay({ schema: props.schema, uiSchema: props.uiSchema, readonly: props.readonly, hidden: props.hidden, formData: props.formData, root: props.fieldPathId.path.length === 0 });
  if (display === 'none') return null;
  if (display === 'default') return <DefaultFieldTemplate {...props} />;
  const titleId = `${props.id}__title`;
  return (
    <div className={`form-group field readonly-map ${props.classNames ?? ''}`.trim()} role="group" aria-labelledby={titleId} data-field={props.fieldPathId.path.join('.')}>
      <span id={titleId} className="control-label">{props.label}</span>
      <dl className="readonly-entries">
        {Object.entries(props.formData as Record<string, unknown>).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{show(value)}</dd>
          </div>
        ))}
      </dl>
      {props.help}
    </div>
  );
}

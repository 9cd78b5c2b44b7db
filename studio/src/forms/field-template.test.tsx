import { readFileSync } from 'node:fs';
import Form from '@rjsf/core';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Router } from 'wouter';
import { FieldTemplate, fieldDisplay } from './FieldTemplate';
import { formSchema, formUiSchema } from './form-schema';
import { RuleVersionsField } from './RuleVersionsField';
import { InterpretingValidator } from './validator';

/** An entity file of a built-in plugin, as the runtime serves it (body schema and ui hints). */
const entityFile = (plugin: string, name: string) => JSON.parse(readFileSync(new URL(`../../../plugins/${plugin}/schemas/${name}.schema.json`, import.meta.url), 'utf8')) as { schema: RJSFSchema; ui: { form: UiSchema } };

/** The markup of a generated form for a built-in entity, through the studio's field template. */
function render(plugin: string, name: string, formData: Record<string, unknown>): string {
  const e = entityFile(plugin, name);
  return renderToStaticMarkup(
    <Router ssrPath="/records/x/new">
      <Form<Record<string, unknown>> schema={formSchema(e.schema, name)} uiSchema={formUiSchema(e.schema, e.ui.form)} formData={formData} validator={new InterpretingValidator<Record<string, unknown>>()} templates={{ FieldTemplate }} fields={{ ruleVersions: RuleVersionsField }} />
    </Router>,
  );
}

describe('generated forms leave out hidden and empty system fields', () => {
  it('decides per field: hidden never shows, an empty read-only field does not, a read-only map lists its entries', () => {
    const map: RJSFSchema = { type: 'object', additionalProperties: { type: 'integer' } };
    const base = { schema: map, uiSchema: {}, readonly: true, root: false };
    expect(fieldDisplay({ ...base, formData: undefined })).toBe('none');
    expect(fieldDisplay({ ...base, formData: {} })).toBe('none');
    expect(fieldDisplay({ ...base, formData: { tiers: 2 } })).toBe('map');
    expect(fieldDisplay({ ...base, readonly: false, formData: {} })).toBe('default');
    expect(fieldDisplay({ ...base, readonly: false, hidden: true, formData: { a: 1 } })).toBe('none');
    expect(fieldDisplay({ schema: { type: 'number' }, readonly: true, formData: 0, root: false })).toBe('default');
    expect(fieldDisplay({ schema: { type: 'string' }, readonly: true, formData: '', root: false })).toBe('none');
    // a plugin's widget owns its empty case, the studio's own widgets do not; the form itself always renders
    expect(fieldDisplay({ ...base, uiSchema: { 'ui:widget': 'handoff.routing' }, formData: undefined })).toBe('default');
    expect(fieldDisplay({ schema: { type: 'string' }, uiSchema: { 'ui:widget': 'reference' }, readonly: true, formData: undefined, root: false })).toBe('none');
    expect(fieldDisplay({ ...base, formData: undefined, root: true })).toBe('default');
  });

  it('a new CRM grading rule has no pinned-versions box; a saved one lists its pins read-only', () => {
    const fresh = render('crm', 'grading-rule', {});
    expect(fresh).not.toContain('Pinned rule versions');
    expect(fresh).not.toContain('rule_versions');
    expect(fresh).toContain('Name');
    // a saved one: each pinned rule links to the library, no inputs
    const saved = render('crm', 'grading-rule', { name: 'Tiers', logic: { rule: 'customer-tiers' }, rule_versions: { 'customer-tiers': 3 } });
    expect(saved).toMatch(/<div class="readonly-map" role="group" aria-labelledby="root_rule_versions__title"><span id="root_rule_versions__title" class="control-label">Pinned rule versions<\/span><ul class="rule-pins"><li data-rule="customer-tiers"><a href="\/rules\/customer-tiers">customer-tiers<\/a>/);
    expect(saved).not.toMatch(/<input[^>]*root_rule_versions/);
    // a read-only map without a field of its own lists key and value
    const map = renderToStaticMarkup(<Form<Record<string, unknown>> schema={{ type: 'object', properties: { pins: { type: 'object', title: 'Pins', additionalProperties: { type: 'integer' } } } }} uiSchema={{ pins: { 'ui:readonly': true } }} formData={{ pins: { a: 2 } }} validator={new InterpretingValidator<Record<string, unknown>>()} templates={{ FieldTemplate }} />);
    expect(map).toMatch(/<div class="form-group field readonly-map[^"]*" role="group" aria-labelledby="root_pins__title"[^>]*><span id="root_pins__title" class="control-label">Pins<\/span><dl class="readonly-entries"><div><dt>a<\/dt><dd>2<\/dd><\/div><\/dl>/);
  });

  it('a scorecard pins the same way, and hidden objects (a visit check-in) render nothing', () => {
    expect(render('scorecard', 'scorecard', { name: 'Q3' })).not.toContain('Pinned rule versions');
    expect(render('scorecard', 'scorecard', { name: 'Q3', rule_versions: { 'win-rate': 1 } })).toContain('<li data-rule="win-rate"><a href="/rules/win-rate">win-rate</a>');
    const visit = render('crm', 'activity', { subject: 'Visit', checkin: { at: '2026-01-01T09:00:00Z', lat: 1, lng: 2 } });
    expect(visit).not.toMatch(/id="root_checkin/);
    expect(visit).not.toContain('class="hidden"');
  });
});

import { describe, expect, it } from 'vitest';
import { retrieveSchema } from '@rjsf/utils';
import { fitOrder, formSchema, formUiSchema, subsetSchema } from './form-schema';
import { mergePatch } from './merge-patch';
import type { EntityInfo } from '../api/types';
import { localizeEntity } from '../plugins/localize';
import { translationKeys } from '../plugin-api/types';
import { currencyOptions } from './MoneyField';
import { problemToErrorSchema } from './server-errors';
import { InterpretingValidator, toProperty } from './validator';

const MONEY = 'https://pipewright.dev/schemas/types.schema.json#/$defs/money';
const DATE = 'https://pipewright.dev/schemas/types.schema.json#/$defs/date';
const body = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind'],
  properties: {
    name: { type: 'string', minLength: 2 },
    kind: { type: 'string', enum: ['call', 'visit'] },
    amount: { $ref: MONEY, title: 'Amount' },
    due: { $ref: DATE },
    account_id: { type: 'string' },
    place: { type: 'string' },
  },
  if: { properties: { kind: { const: 'visit' } }, required: ['kind'] },
  then: { required: ['place'] },
};

describe('InterpretingValidator (CSP-safe, no code generation)', () => {
  const schema = formSchema(body, 'crm.test');
  const validator = new InterpretingValidator();

  it('resolves the shared types schema and reports leaf errors per field', () => {
    const { errors, errorSchema } = validator.validateFormData({ name: 'x', kind: 'call', amount: { amount: 1, currency: 'usd' }, due: '2024-02-30x', bogus: 1 }, schema);
    expect(errors.map((e) => `${e.property} ${e.name}`).sort()).toEqual(['.amount.currency pattern', '.bogus false', '.due format', '.name minLength']);
    expect(errorSchema).toMatchObject({ name: { __errors: ['must be at least 2 characters'] }, amount: { currency: { __errors: ['has the wrong format'] } } });
  });

  it('puts required errors on the missing field', () => {
    const { errors } = validator.validateFormData({}, schema);
    expect(errors.map((e) => e.property).sort()).toEqual(['.kind', '.name']);
  });

  it('drives conditional fields (if/then) through isValid', () => {
    expect(validator.validateFormData({ name: 'ab', kind: 'visit' }, schema).errors.map((e) => e.property)).toEqual(['.place']);
    expect(validator.validateFormData({ name: 'ab', kind: 'call' }, schema).errors).toEqual([]);
    const resolved = retrieveSchema(validator, schema, schema, { name: 'ab', kind: 'visit' });
    expect(resolved.required).toContain('place');
    expect(retrieveSchema(validator, schema.properties?.amount as object, schema, {})).toMatchObject({ type: 'object', required: ['amount', 'currency'] });
  });

  it('translates messages through the given function', () => {
    const zh = new InterpretingValidator((keyword) => `zh:${keyword}`);
    expect(zh.validateFormData({ kind: 'call' }, schema).errors[0]?.message).toBe('zh:required');
  });

  it('quotes odd property names', () => {
    expect(toProperty(['a', 'b c', '0'])).toBe(".a['b c'].0");
  });
});

describe('form schema helpers', () => {
  it('adds reference pickers and money fields, keeping plugin hints', () => {
    const ui = formUiSchema(body, { 'ui:order': ['name', 'kind'], place: { 'ui:widget': 'textarea' } }, { account_id: { entity: 'crm.account', lookup: 'name' } });
    expect(ui.account_id).toEqual({ 'ui:widget': 'reference', 'ui:options': { entity: 'crm.account', lookup: 'name' } });
    expect(ui.amount).toEqual({ 'ui:field': 'money' });
    expect(ui.place).toEqual({ 'ui:widget': 'textarea' });
    expect(ui['ui:order']).toEqual(['name', 'kind', '*']);
  });

  it('renders a subset of fields', () => {
    const s = subsetSchema(body, ['amount', 'name', 'missing']);
    expect(Object.keys(s.properties as object)).toEqual(['amount', 'name']);
    expect(s.required).toEqual(['name']);
    expect(subsetSchema(body, ['amount'], true).required).toEqual(['amount']);
    expect(fitOrder({ 'ui:order': ['name', 'kind', '*'] }, ['kind'])['ui:order']).toEqual(['kind', '*']);
  });
});

describe('help in forms is written for users', () => {
  const deal = { fullId: 'acme.deal', label: 'Deal', labelPlural: 'Deals', fields: [], schema: { type: 'object', properties: { amount: { type: 'number', description: 'Note for schema authors: the dataset records 0 for lost deals.' }, name: { type: 'string' } } } } as unknown as EntityInfo;

  it('shows the translation\'s help for a field and never the schema\'s description', () => {
    const zh = localizeEntity(deal, { entities: { 'acme.deal': { fields: { amount: '金额' }, help: { amount: '预计客户会支付的金额。' } } } });
    const ui = formUiSchema(zh.schema, zh.ui?.form);
    expect((ui.amount as Record<string, unknown>)['ui:help']).toBe('预计客户会支付的金额。');
    expect(ui.name).toBeUndefined();
    // the entity's schema stays plain JSON Schema (strict ajv compiles it elsewhere)
    expect(JSON.stringify(zh.schema)).not.toContain('x-help');
    const props = (formSchema(zh.schema, 'acme.deal').properties ?? {}) as Record<string, Record<string, unknown>>;
    expect(props.amount).toEqual({ type: 'number', title: '金额' });
    // an `x-help` a generated form puts on a property (an action's config) is shown, then removed
    const config = { type: 'object', properties: { subject: { type: 'string', 'x-help': 'Shown to the rep.' } } };
    expect((formUiSchema(config, undefined).subject as Record<string, unknown>)['ui:help']).toBe('Shown to the rep.');
    expect(JSON.stringify(formSchema(config, 'c'))).not.toContain('x-help');
    expect(JSON.stringify(formSchema(deal.schema, 'acme.deal'))).not.toContain('schema authors');
  });

  it('counts help among the keys every language must translate', () => {
    expect(translationKeys({ entities: { 'acme.deal': { help: { amount: 'x' } } } })).toEqual(['entities.acme.deal.help.amount']);
  });
});

describe('server problems on fields', () => {
  it('maps /data pointers to the error schema and keeps the rest general', () => {
    const { errorSchema, general } = problemToErrorSchema({
      status: 422,
      code: 'record.invalid',
      detail: 'invalid',
      errors: [
        { pointer: '/data/account_id', message: 'no crm.account record' },
        { pointer: '/data/amount/currency', message: 'must match pattern' },
        { pointer: '/data/__proto__/x', message: 'ignored safely' },
        { pointer: '/owner', message: 'no user' },
      ],
    });
    expect(errorSchema).toMatchObject({ account_id: { __errors: ['no crm.account record'] }, amount: { currency: { __errors: ['must match pattern'] } } });
    expect(Object.prototype).not.toHaveProperty('__errors');
    expect(general).toEqual(['no user']);
  });
});

describe('mergePatch', () => {
  it('sends changes and nulls removed fields', () => {
    expect(mergePatch({ a: 1, b: 2, m: { amount: 1, currency: 'USD' } }, { a: 1, c: 3, m: { amount: 2, currency: 'USD' } })).toEqual({ b: null, c: 3, m: { amount: 2, currency: 'USD' } });
    expect(mergePatch({ a: undefined }, {})).toEqual({});
  });
});

describe('currency picker options', () => {
  it('offers every ISO 4217 code the runtime knows once, common ones first, named in the interface language', () => {
    const { common, all } = currencyOptions('zh-CN');
    const codes = [...common, ...all].map((o) => o.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual([...Intl.supportedValuesOf('currency')].sort());
    expect(codes.slice(0, 3)).toEqual(['USD', 'EUR', 'CNY']);
    expect(codes).not.toContain('DOL');
    expect(common.find((o) => o.code === 'CNY')?.label).toBe('CNY - 人民币');
    expect(currencyOptions('en').common.find((o) => o.code === 'EUR')?.label).toBe('EUR - Euro');
  });

  it('keeps a stored code outside the list selectable instead of changing it silently', () => {
    expect(currencyOptions('en', 'DOL').all[0]).toEqual({ code: 'DOL', label: 'DOL' });
    expect(currencyOptions('en', 'USD').all.map((o) => o.code)).not.toContain('USD');
  });
});

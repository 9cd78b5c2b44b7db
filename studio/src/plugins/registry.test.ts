import * as React from 'react';
import { describe, expect, it } from 'vitest';
import type { EntityInfo } from '../api/types';
import { formatValue } from '../entities/format';
import { pluginUi, fieldWidgetName } from '../forms/plugin-widgets';
import { defineStudioPlugin, type StudioContributions, type StudioHost } from '../plugin-api/types';
import { defaultBoardEntity } from '../process/board/board-entity';
import { builtinStudioModules } from './builtin';
import { interpolate, variablesEntity } from './host';
import { checkForStudio } from '../rules/engine';
import { fieldPaths, inlineTypes } from '../rules/rule-schema';
import { localizeEntity, stageLabel } from './localize';
import { StudioRegistry, translationGaps } from './registry';

const host = (plugin: string) => ({ plugin, React }) as unknown as StudioHost;
const Nothing = () => null;

function entity(fullId: string, extra: Partial<EntityInfo> = {}): EntityInfo {
  const [plugin = '', id = ''] = fullId.split('.');
  return {
    fullId, id, plugin, label: id, labelPlural: `${id}s`,
    schema: { type: 'object', properties: { name: { type: 'string', title: 'Name' }, kind: { type: 'string', enum: ['call', 'visit'] }, colour: { type: 'string', format: 'acme.color' } } },
    fields: [{ name: 'name', type: 'string', required: true, title: 'Name' }, { name: 'kind', type: 'string', required: false, enum: ['call', 'visit'] }, { name: 'colour', type: 'string', required: false }],
    ...extra,
  };
}

const tr = (en: string, zh: string) => ({ en: { messages: { label: en } }, 'zh-CN': { messages: { label: zh } } });
const plugin = (id: string, c: StudioContributions) => defineStudioPlugin({ id, setup: () => c });

describe('StudioRegistry', () => {
  it('takes each kind of contribution, owned by its plugin', () => {
    const r = new StudioRegistry();
    const visit = entity('acme.visit');
    const deal = entity('pipeline.deal', { stageful: true });
    const catalogue = new Map([visit, deal].map((e) => [e.fullId, e]));
    const ok = r.install(plugin('acme', {
      pages: [{ path: 'visits/:id', component: Nothing }],
      nav: [{ id: 'late', label: 'label', href: '/p/acme/b', order: 200 }, { id: 'early', label: 'label', href: '/p/acme/a', order: 1 }],
      recordPanels: [{ id: 'second', entities: ['acme.visit'], component: Nothing, order: 60 }, { id: 'first', entities: (e) => e.stageful !== true, component: Nothing, order: 10 }],
      recordActions: [{ id: 'ping', entities: ['pipeline.deal'], label: 'label', run: () => undefined }],
      fieldWidgets: [{ format: 'color', component: Nothing }],
      dashboardWidgets: [{ id: 'all', title: 'label', dashboards: ['*'], component: Nothing }, { id: 'one', title: 'label', dashboards: ['acme.home'], component: Nothing }],
      boards: [{ entity: 'acme.visit' }],
      ruleExamples: [{ entity: 'acme.visit', rule: { '==': [{ var: 'kind' }, 'call'] } }],
      translations: tr('Visits', '拜访'),
    }), host);
    expect(ok).toBe(true);
    expect(r.failures).toEqual([]);
    expect(r.plugins).toEqual(['acme']);
    expect(r.pages.map((p) => [p.plugin, p.path])).toEqual([['acme', 'visits/:id']]);
    expect(r.navByPlugin().get('acme')?.map((n) => n.id)).toEqual(['early', 'late']);
    expect(r.panelsFor(visit, catalogue).map((p) => p.id)).toEqual(['first', 'second']);
    expect(r.panelsFor(deal, catalogue)).toEqual([]);
    expect(r.actionsFor(deal, catalogue).map((a) => `${a.plugin}.${a.id}`)).toEqual(['acme.ping']);
    expect(r.actionsFor(visit, catalogue)).toEqual([]);
    expect([...r.fieldWidgets.keys()]).toEqual(['acme.color']);
    expect(r.dashboardWidgetsFor('acme.home').map((w) => w.id)).toEqual(['all', 'one']);
    expect(r.dashboardWidgetsFor('other').map((w) => w.id)).toEqual(['all']);
    expect(r.boards).toEqual([{ entity: 'acme.visit', plugin: 'acme' }]);
    expect(r.ruleExamples).toEqual([{ entity: 'acme.visit', rule: { '==': [{ var: 'kind' }, 'call'] }, plugin: 'acme' }]);
    expect(r.translation('acme', 'zh-CN')?.messages?.label).toBe('拜访');
    expect(r.translation('acme', 'fr')?.messages?.label).toBe('Visits');
  });

  it('refuses a broken studio half as a failure naming the plugin, installing nothing of it', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ default: { hello: 1 } }, 'acme', /not a defineStudioPlugin\(\) result/],
      [{ ...plugin('acme', {}), apiVersion: 2 }, 'acme', /version 2 is not supported/],
      [plugin('other', {}), 'acme', /declares plugin "other"/],
      [defineStudioPlugin({ id: 'acme', setup: () => { throw new Error('boom'); } }), 'acme', /boom/],
      [plugin('acme', { nav: [{ id: 'a', label: 'missing', href: '/x' }], translations: tr('A', '甲') }), 'acme', /message "missing" is used but not translated/],
      [plugin('acme', { nav: [{ id: 'a', label: 'label', href: 'x' }], translations: tr('A', '甲') }), 'acme', /href must be a studio address/],
      [plugin('acme', { recordPanels: [{ id: 'p', entities: [], component: Nothing }, { id: 'p', entities: [], component: Nothing }] }), 'acme', /declared twice/],
      [plugin('acme', { pages: [{ path: '../etc', component: Nothing }] }), 'acme', /page path/],
      [plugin('acme', { translations: { en: { messages: { a: 'A', b: 'B' } }, 'zh-CN': { messages: { a: '甲' } } } }), 'acme', /zh-CN lacks messages\.b/],
      [plugin('acme', { nav: [{ id: 'a', label: 'label', href: '/x' }] }), 'acme', /message "label" is used but not translated/],
    ];
    for (const [module, id, message] of cases) {
      const r = new StudioRegistry();
      expect(r.install(module, host, id)).toBe(false);
      expect(r.failures).toHaveLength(1);
      expect(r.failures[0]?.plugin).toBe(id);
      expect(r.failures[0]?.message).toMatch(message);
      expect([r.plugins, r.pages, r.nav, r.recordPanels]).toEqual([[], [], [], []]);
    }
  });

  it('refuses a plugin loaded twice', () => {
    const r = new StudioRegistry();
    expect(r.install(plugin('acme', {}), host)).toBe(true);
    expect(r.install(plugin('acme', {}), host)).toBe(false);
    expect(r.failures[0]?.message).toMatch(/loaded twice/);
  });

  it('loads text given by loaders per language, once each, only when asked', async () => {
    const calls: string[] = [];
    const load = (lang: string, text: string) => async () => {
      calls.push(lang);
      return { default: { messages: { label: text } } };
    };
    const r = new StudioRegistry();
    expect(r.install(plugin('acme', { nav: [{ id: 'a', label: 'label', href: '/p/acme/a' }], translations: { en: load('en', 'Visits'), 'zh-CN': load('zh-CN', '拜访') } }), host)).toBe(true);
    expect(r.translation('acme', 'zh-CN')).toBeUndefined();
    await Promise.all([r.loadLanguage('zh-CN'), r.loadLanguage('zh-CN')]);
    expect(calls).toEqual(['zh-CN']);
    expect(r.translation('acme', 'zh-CN')?.messages?.label).toBe('拜访');
    // a plugin installed after a language was asked (a company plugin) joins that language's load
    expect(r.install(plugin('late', { translations: { en: { messages: { x: 'X' } }, 'zh-CN': async () => ({ messages: { x: '叉' } }) } }), host)).toBe(true);
    await r.loadLanguage('zh-CN');
    expect(r.translation('late', 'zh-CN')?.messages?.x).toBe('叉');
    await r.loadLanguage('fr'); // an unknown language loads English
    expect(calls).toEqual(['zh-CN', 'en']);
    expect(r.translation('acme', 'fr')?.messages?.label).toBe('Visits');
    expect(r.failures).toEqual([]);
  });

  it('keeps a plugin whose text fails to load, or lacks a label it names, as a failure; the rest loads', async () => {
    const r = new StudioRegistry();
    r.install(plugin('broken', { translations: { en: async () => { throw new Error('chunk 404'); }, 'zh-CN': { messages: {} } } }), host);
    r.install(plugin('short', { nav: [{ id: 'a', label: 'label', href: '/p/short/a' }], translations: { en: async () => ({ messages: { label: 'A' } }), 'zh-CN': async () => ({ default: { messages: {} } }) } }), host);
    r.install(plugin('fine', { translations: { en: async () => ({ messages: { a: 'A' } }), 'zh-CN': async () => ({ messages: { a: '甲' } }) } }), host);
    expect(r.plugins).toEqual(['broken', 'short', 'fine']);
    await Promise.all([r.loadLanguage('en'), r.loadLanguage('zh-CN')]);
    expect(r.failures).toEqual([
      { plugin: 'broken', message: 'translations for en could not be loaded: chunk 404' },
      { plugin: 'short', message: 'translations for zh-CN could not be loaded: message "label" is used but not translated into zh-CN' },
    ]);
    expect(r.translation('fine', 'zh-CN')?.messages?.a).toBe('甲');
    expect(r.translation('short', 'zh-CN')?.messages?.label).toBe('A');
    expect(r.translation('broken', 'en')).toBeUndefined();
    // a language missing altogether is refused at setup
    expect(new StudioRegistry().install(plugin('half', { translations: { en: { messages: {} } } as never }), host)).toBe(false);
  });

  it('finds translation gaps in both directions, entities included', () => {
    expect(translationGaps({ en: { name: 'A', entities: { 'a.b': { label: 'B', enums: { kind: { x: 'X' } }, stages: { s: 'S' } } } }, 'zh-CN': { entities: { 'a.b': { label: '乙', fields: { f: '丙' } } } } }).sort()).toEqual([
      'en lacks entities.a.b.fields.f',
      'zh-CN lacks entities.a.b.enums.kind.x',
      'zh-CN lacks entities.a.b.stages.s',
      'zh-CN lacks name',
    ]);
    expect(translationGaps({ en: { messages: { a: 'A' } }, 'zh-CN': { messages: { a: '甲' } } })).toEqual([]);
  });
});

describe('plugin content in the reader\'s language', () => {
  const visit = entity('acme.visit', { stageful: true });
  const zh = { entities: { 'acme.visit': { label: '拜访', labelPlural: '拜访记录', fields: { name: '名称' }, enums: { kind: { call: '电话' } }, stages: { planned: '已计划' } } } };

  it('localizes labels, field titles (list and form), enum and stage labels', () => {
    const l = localizeEntity(visit, zh);
    expect([l.label, l.labelPlural]).toEqual(['拜访', '拜访记录']);
    expect(l.fields.find((f) => f.name === 'name')?.title).toBe('名称');
    expect(l.schema.properties.name?.title).toBe('名称');
    expect(formatValue(l.fields.find((f) => f.name === 'kind'), 'call', 'zh-CN')).toBe('电话');
    // a value without a label is humanized, as before
    expect(formatValue(l.fields.find((f) => f.name === 'kind'), 'visit', 'zh-CN')).toBe('Visit');
    expect(stageLabel(l, 'planned', 'Planned')).toBe('已计划');
    expect(stageLabel(l, 'done', 'Done')).toBe('Done');
    expect(stageLabel(visit, 'planned')).toBe('planned');
    expect(localizeEntity(visit, undefined)).toBe(visit);
    expect(localizeEntity(visit, { entities: { 'other.x': { label: 'X' } } })).toBe(visit);
  });

  it('gives forms plugin widgets by format or hint, and translated enum names', () => {
    const l = localizeEntity({ ...visit, ui: { form: { name: { 'ui:widget': 'acme.color' } } } }, zh);
    expect(pluginUi(l, new Set(['acme.color']))).toEqual({ colour: { 'ui:widget': 'acme.color' }, kind: { 'ui:enumNames': { call: '电话' } } });
    expect(pluginUi(l, new Set())).toEqual({ kind: { 'ui:enumNames': { call: '电话' } } });
    expect(fieldWidgetName(l, 'colour')).toBe('acme.color');
    expect(fieldWidgetName(l, 'name')).toBe('acme.color');
    expect(fieldWidgetName(l, 'kind')).toBeUndefined();
  });

  it('fills message placeholders', () => {
    expect(interpolate('{{n}} visits by {{ who }}', { n: 3, who: 'Ana' })).toBe('3 visits by Ana');
    expect(interpolate('{{missing}}', {})).toBe('{{missing}}');
  });
});

describe('the board', () => {
  it('opens the first plugin board whose entity has stages, else the first entity with stages', () => {
    const a = entity('a.x');
    const b = entity('b.y', { stageful: true });
    const c = entity('c.z', { stageful: true });
    expect(defaultBoardEntity([{ entity: 'c.z' }], [a, b, c])).toBe('c.z');
    expect(defaultBoardEntity([{ entity: 'a.x' }], [a, b, c])).toBe('b.y');
    expect(defaultBoardEntity([], [a])).toBeNull();
  });
});

describe('built-in studio halves', () => {
  it('are bundled by folder, and every one sets up without failure', () => {
    const modules = builtinStudioModules();
    expect(modules.map((m) => m.folder)).toEqual(expect.arrayContaining(['crm', 'pipeline']));
    const r = new StudioRegistry();
    for (const m of modules) r.install(m.module, host, m.folder);
    expect(r.failures).toEqual([]);
    expect(r.plugins.sort()).toEqual(modules.map((m) => m.folder).sort());
  });

  it('give their text one language at a time, from a module each, complete in both', async () => {
    const r = new StudioRegistry();
    for (const m of builtinStudioModules()) r.install(m.module, host, m.folder);
    expect(r.translation('pipeline', 'zh-CN')).toBeUndefined();
    await r.loadLanguage('zh-CN');
    expect(r.translation('pipeline', 'zh-CN')?.entities?.['pipeline.deal']?.label).toBe('商机');
    expect(r.translation('crm', 'en')).toBeUndefined();
    await r.loadLanguage('en');
    expect(r.failures).toEqual([]);
    for (const p of r.plugins) {
      const en = r.translation(p, 'en');
      const zh = r.translation(p, 'zh-CN');
      expect(en !== zh && en !== undefined && zh !== undefined, p).toBe(true);
      expect(translationGaps({ en, 'zh-CN': zh }), p).toEqual([]);
    }
  });
});

describe('the rule builder for a plugin\'s own variables', () => {
  it('dotted names become nested properties, so the checker types {"var": "pipeline.won_count"} as a number', () => {
    const e = variablesEntity([{ name: 'pipeline.won_count', type: 'number', title: 'Won deals' }, { name: 'pipeline.win_rate', type: 'number' }]);
    expect(e.schema.properties).toEqual({ pipeline: { type: 'object', properties: { won_count: { type: 'number', title: 'Won deals' }, win_rate: { type: 'number' } } } });
    expect(fieldPaths(e)).toEqual(['pipeline.won_count', 'pipeline.win_rate']);
    const schema = inlineTypes(e.schema) as EntityInfo['schema'];
    expect(checkForStudio({ if: [{ '>=': [{ var: 'pipeline.won_count' }, 80] }, 100, 40] }, schema)).toEqual([]);
    expect(checkForStudio({ '>=': [{ var: 'pipeline.nope' }, 80] }, schema).length).toBeGreaterThan(0);
  });
});

import { fileURLToPath } from 'node:url';
import { untranslated } from '@pipewright/studio/plugin-api/coverage';
import { pluginContent } from '@pipewright/studio/plugin-api/plugin-content';
import type { StudioEntity, StudioHost } from '@pipewright/plugin-sdk/studio';
import { studioTexts, translationGaps } from '@pipewright/plugin-sdk/studio';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import crmStudio from './index';
import { linkFields } from './ids';

const DIR = fileURLToPath(new URL('../..', import.meta.url));
const entity = (fullId: string, references?: Record<string, { entity: string }>): StudioEntity => ({ fullId, id: fullId.split('.')[1] ?? '', plugin: fullId.split('.')[0] ?? '', label: fullId, labelPlural: fullId, fields: [], ...(references ? { references } : {}) });

describe('crm studio half', () => {
  const c = crmStudio.setup({ plugin: 'crm', React } as unknown as StudioHost);

  it('declares itself as the crm plugin', () => {
    expect([crmStudio.kind, crmStudio.id, crmStudio.apiVersion]).toEqual(['pipewright.studio-plugin', 'crm', 1]);
  });

  it('translates every entity, field and enum value of its schemas in en and zh-CN', async () => {
    const { texts: t } = await studioTexts(crmStudio, React);
    expect(untranslated(t, pluginContent(DIR))).toEqual([]);
    expect(translationGaps(t)).toEqual([]);
    expect(t['zh-CN'].entities?.['crm.account']?.labelPlural).toBe('客户');
  });

  it('puts the activity timeline on every entity an activity links to, not on activities', () => {
    const activity = entity('crm.activity', { account_id: { entity: 'crm.account' }, deal_id: { entity: 'pipeline.deal' } });
    const catalogue = new Map([activity, entity('crm.account'), entity('pipeline.deal'), entity('okr.objective')].map((e) => [e.fullId, e]));
    const panel = c.recordPanels?.find((p) => p.id === 'activities');
    expect(panel).toBeDefined();
    const match = panel?.entities;
    const shown = [...catalogue.values()].filter((e) => typeof match === 'function' && match(e, catalogue)).map((e) => e.fullId);
    expect(shown).toEqual(['crm.account', 'pipeline.deal']);
    expect(linkFields(activity, 'pipeline.deal')).toEqual(['deal_id']);
    expect(linkFields(undefined, 'pipeline.deal')).toEqual([]);
  });
});

describe('crm quick log and 360° panels', () => {
  const c = crmStudio.setup({ plugin: 'crm', React } as unknown as StudioHost);
  it('puts the quick log on accounts and deals and the 360° panel on accounts, before the timeline', () => {
    const byId = Object.fromEntries((c.recordPanels ?? []).map((p) => [p.id, p]));
    expect(byId.quick_log?.entities).toEqual(['crm.account', 'pipeline.deal']);
    expect(byId.account_overview?.entities).toEqual(['crm.account']);
    expect((byId.quick_log?.order ?? 0) < (byId.account_overview?.order ?? 0) && (byId.account_overview?.order ?? 0) < (byId.activities?.order ?? 0)).toBe(true);
    expect(c.pages?.map((p) => p.path)).toEqual(['transfers', 'visit', 'visits', 'report', 'reports', 'pool', 'at-risk']);
    expect(byId.account_pool?.entities).toEqual(['crm.account']);
  });

  it('logs a visit as done now on the account, a task from a deal as open on the deal and its account', async () => {
    const { quickActivity } = await import('./QuickLog');
    const now = new Date('2030-01-02T03:04:05Z');
    expect(quickActivity('visit', { type: 'crm.account', id: 'a1', data: {} }, { subject: ' Visit ', notes: '', due: '' }, now)).toEqual({ kind: 'visit', subject: 'Visit', account_id: 'a1', done: true, occurred_at: '2030-01-02T03:04:05.000Z' });
    expect(quickActivity('task', { type: 'pipeline.deal', id: 'd1', data: { account_id: 'a2' } }, { subject: 'Follow up', notes: 'Call Tuesday', due: '2030-01-09' }, now)).toEqual({ kind: 'task', subject: 'Follow up', description: 'Call Tuesday', deal_id: 'd1', account_id: 'a2', done: false, due_date: '2030-01-09' });
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { untranslated } from '@pipewright/studio/plugin-api/coverage';
import { pluginContent } from '@pipewright/studio/plugin-api/plugin-content';
import type { StudioEntity, StudioHost } from '@pipewright/plugin-sdk/studio';
import { studioTexts, translationGaps } from '@pipewright/plugin-sdk/studio';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import { SPLITS } from './analytics/AnalyticsPage';
import pipelineStudio from './index';

const DIR = fileURLToPath(new URL('../..', import.meta.url));
/** Both languages, loaded as the studio loads them (a module each). */
const { texts: translations } = await studioTexts(pipelineStudio, React);
const entity = (fullId: string, references?: Record<string, { entity: string }>): StudioEntity => ({ fullId, id: fullId.split('.')[1] ?? '', plugin: fullId.split('.')[0] ?? '', label: fullId, labelPlural: fullId, fields: [], ...(references ? { references } : {}) });

describe('pipeline studio half', () => {
  const c = pipelineStudio.setup({ plugin: 'pipeline', React } as unknown as StudioHost);

  it('registers the deal board, the analytics and forecast pages and their navigation entries', () => {
    expect(pipelineStudio.id).toBe('pipeline');
    expect(c.boards).toEqual([{ entity: 'pipeline.deal', values: ['pipeline.open_pipeline_value', 'pipeline.weighted_pipeline_value', 'pipeline.won_value'] }]);
    expect(c.nav?.map((n) => n.href)).toEqual(['/board/pipeline.deal', '/p/pipeline/analytics', '/p/pipeline/forecast', '/p/pipeline/contracts']);
    expect(c.pages?.map((p) => p.path)).toEqual(['analytics', 'forecast', 'contracts', 'contracts/:id']);
    expect(c.nav?.map((n) => translations['zh-CN'].messages?.[n.label])).toEqual(['商机看板', '管道分析', '销售预测', '合同回款']);
  });

  it('translates every entity, field, enum value and stage of its schemas and processes in en and zh-CN', () => {
    const t = translations;
    const content = pluginContent(DIR);
    expect(content.stages?.['pipeline.deal']).toEqual(expect.arrayContaining(['prospecting', 'won', 'renewed']));
    expect(untranslated(t, content)).toEqual([]);
    expect(translationGaps(t)).toEqual([]);
    expect(t['zh-CN'].entities?.['pipeline.deal']?.stages?.won).toBe('赢单');
  });

  it('shows the deals panel on the entity deals name as their account', () => {
    const deal = entity('pipeline.deal', { account_id: { entity: 'crm.account' } });
    const catalogue = new Map([deal, entity('crm.account'), entity('crm.contact')].map((e) => [e.fullId, e]));
    const match = c.recordPanels?.find((p) => p.id === 'deals')?.entities;
    expect([...catalogue.values()].filter((e) => typeof match === 'function' && match(e, catalogue)).map((e) => e.fullId)).toEqual(['crm.account']);
  });

  it('translates every message the analytics page uses, in en and zh-CN', () => {
    const dir = fileURLToPath(new URL('./analytics/', import.meta.url));
    const source = readdirSync(dir).filter((f) => f.endsWith('.tsx')).map((f) => readFileSync(dir + f, 'utf8')).join('\n');
    const literal = [...source.matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1] as string);
    const keys = [...new Set([...literal, ...SPLITS.map((d) => `analytics.dim.${d}`), 'analytics.reason.sla', 'analytics.reason.p75'])];
    expect(literal.length).toBeGreaterThan(30);
    for (const lang of ['en', 'zh-CN'] as const) expect(keys.filter((k) => !translations[lang].messages?.[k]), lang).toEqual([]);
    expect(translations['zh-CN'].messages?.['analytics.wonPerClosed']).toBe('赢单 / 已关闭（赢率）');
  });

  it('translates every message the forecast page uses, in en and zh-CN', () => {
    const dir = fileURLToPath(new URL('./forecast/', import.meta.url));
    const source = readdirSync(dir).filter((f) => f.endsWith('.tsx')).map((f) => readFileSync(dir + f, 'utf8')).join('\n');
    const literal = [...source.matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1] as string);
    const columns = ['closed', 'commit', 'best_case', 'pipeline', 'weighted', 'forecast', 'p10', 'p90'].map((c) => `forecast.col.${c}`);
    const keys = [...new Set([...literal, ...columns])];
    expect(literal.length).toBeGreaterThan(30);
    for (const lang of ['en', 'zh-CN'] as const) expect(keys.filter((k) => !translations[lang].messages?.[k]), lang).toEqual([]);
  });
});

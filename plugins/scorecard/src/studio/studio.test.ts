import { fileURLToPath } from 'node:url';
import { studioTexts, translationGaps } from '@pipewright/plugin-sdk/studio';
import { untranslated } from '@pipewright/studio/plugin-api/coverage';
import { pluginContent } from '@pipewright/studio/plugin-api/plugin-content';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import scorecardStudio from './index';

describe('scorecard studio half', () => {
  it('translates every entity, field and enum value of its schemas in en and zh-CN', async () => {
    const { sources, texts: translations } = await studioTexts(scorecardStudio, React);
    // each language is a module of its own, loaded as the studio loads it
    expect([typeof sources.en, typeof sources['zh-CN']]).toEqual(['function', 'function']);
    expect(scorecardStudio.id).toBe('scorecard');
    expect(untranslated(translations, pluginContent(fileURLToPath(new URL('../..', import.meta.url))))).toEqual([]);
    expect(translationGaps(translations)).toEqual([]);
  });
});

describe('calibration board buckets', () => {
  it('buckets of 20 points (the last one closed) and where a move starts', async () => {
    const { bucketOf, moveTarget, BUCKETS } = await import('./shared');
    expect(BUCKETS.map((b) => b.label)).toEqual(['0-20', '20-40', '40-60', '60-80', '80-100']);
    expect([0, 19.99, 20, 79.99, 80, 100].map(bucketOf)).toEqual([0, 0, 1, 3, 4, 4]);
    expect(moveTarget(55, 4)).toBe(80); // up: the bucket's lower edge
    expect(moveTarget(55, 1)).toBe(39.99); // down: just under its upper edge
    expect(moveTarget(15, 4)).toBe(80);
    expect(bucketOf(moveTarget(95, 0))).toBe(0);
  });
});

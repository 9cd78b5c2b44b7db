import { fileURLToPath } from 'node:url';
import { studioTexts, translationGaps } from '@pipewright/plugin-sdk/studio';
import { untranslated } from '@pipewright/studio/plugin-api/coverage';
import { pluginContent } from '@pipewright/studio/plugin-api/plugin-content';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import okrStudio from './index';

describe('okr studio half', () => {
  it('translates every entity, field and enum value of its schemas in en and zh-CN', async () => {
    const { sources, texts: translations } = await studioTexts(okrStudio, React);
    // each language is a module of its own, loaded as the studio loads it
    expect([typeof sources.en, typeof sources['zh-CN']]).toEqual(['function', 'function']);
    expect(okrStudio.id).toBe('okr');
    expect(untranslated(translations, pluginContent(fileURLToPath(new URL('../..', import.meta.url))))).toEqual([]);
    expect(translationGaps(translations)).toEqual([]);
  });
});

import { fileURLToPath } from 'node:url';
import { loadTranslations, translationGaps, type StudioHost } from '@pipewright/plugin-sdk/studio';
import { untranslated } from '@pipewright/studio/plugin-api/coverage';
import { pluginContent } from '@pipewright/studio/plugin-api/plugin-content';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import okrStudio from './index';

describe('okr studio half', () => {
  it('translates every entity, field and enum value of its schemas in en and zh-CN', async () => {
    const sources = okrStudio.setup({ plugin: 'okr', React } as unknown as StudioHost).translations;
    if (!sources) throw new Error('no translations');
    // each language is a module of its own, loaded as the studio loads it
    expect([typeof sources.en, typeof sources['zh-CN']]).toEqual(['function', 'function']);
    const translations = await loadTranslations(sources);
    expect(okrStudio.id).toBe('okr');
    expect(untranslated(translations, pluginContent(fileURLToPath(new URL('../..', import.meta.url))))).toEqual([]);
    expect(translationGaps(translations)).toEqual([]);
  });
});

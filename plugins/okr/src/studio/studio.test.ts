import { fileURLToPath } from 'node:url';
import { translationGaps } from '@pipewright/plugin-sdk/studio';
import { untranslated } from '@pipewright/studio/plugin-api/coverage';
import { pluginContent } from '@pipewright/studio/plugin-api/plugin-content';
import { describe, expect, it } from 'vitest';
import okrStudio, { translations } from './index';

describe('okr studio half', () => {
  it('translates every entity, field and enum value of its schemas in en and zh-CN', () => {
    expect(okrStudio.id).toBe('okr');
    expect(untranslated(translations, pluginContent(fileURLToPath(new URL('../..', import.meta.url))))).toEqual([]);
    expect(translationGaps(translations)).toEqual([]);
  });
});

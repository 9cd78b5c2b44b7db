import { describe, expect, it } from 'vitest';
import { exactText, missingLocales, negotiateLocale, textIn, withText } from './text';

describe('localizable text', () => {
  const won = { en: 'Won', 'zh-CN': '赢单' };

  it('reads the reader language, else English, else any; a plain string as written', () => {
    expect(textIn(won, 'zh-CN')).toBe('赢单');
    expect(textIn(won, 'en')).toBe('Won');
    expect(textIn(won, 'fr')).toBe('Won');
    expect(textIn({ 'zh-CN': '赢单' }, 'en')).toBe('赢单');
    expect(textIn({ zh: '赢单', en: 'Won' }, 'zh-CN')).toBe('赢单');
    expect(textIn('Won', 'zh-CN')).toBe('Won');
    expect(textIn(undefined, 'en')).toBe('');
    expect(textIn(JSON.parse('{"__proto__":"x","en":"Won"}') as Record<string, string>, '__proto__')).toBe('x');
    expect(textIn({ en: 'Won' }, 'constructor')).toBe('Won');
  });

  it('edits one language and keeps the others', () => {
    expect(withText('Won', 'zh-CN', '赢单')).toEqual(won);
    expect(withText(won, 'en', 'Closed won')).toEqual({ en: 'Closed won', 'zh-CN': '赢单' });
    expect(withText(won, 'zh-CN', '')).toBe('Won');
    expect(withText('Won', 'en', 'Closed won')).toBe('Closed won');
    expect(withText(undefined, 'zh-CN', '新阶段')).toEqual({ 'zh-CN': '新阶段' });
    expect(exactText({ en: 'Won' }, 'zh-CN')).toBe('');
    expect(exactText('Won', 'en')).toBe('Won');
    expect(exactText('Won', 'zh-CN')).toBe('');
  });

  it('lists the languages a text lacks', () => {
    expect(missingLocales(won)).toEqual([]);
    expect(missingLocales({ en: 'Won' })).toEqual(['zh-CN']);
    expect(missingLocales('Won')).toEqual(['zh-CN']);
  });

  it('negotiates Accept-Language', () => {
    expect(negotiateLocale('zh-CN')).toBe('zh-CN');
    expect(negotiateLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(negotiateLocale('zh')).toBe('zh-CN');
    expect(negotiateLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(negotiateLocale('zh-TW')).toBe('en');
    expect(negotiateLocale('en-US,en;q=0.9')).toBe('en');
    expect(negotiateLocale('en;q=0.5, zh-CN;q=0.8')).toBe('zh-CN');
    expect(negotiateLocale('fr-FR, de;q=0.5')).toBe('en');
    expect(negotiateLocale('zh-CN;q=0')).toBe('en');
    expect(negotiateLocale(undefined)).toBe('en');
    expect(negotiateLocale('*')).toBe('en');
  });
});

describe('untranslatedProcessTexts', () => {
  it('names each process text lacking a language; a plain string lacks Chinese', async () => {
    const { untranslatedProcessTexts } = await import('../process/texts');
    const def: Parameters<typeof untranslatedProcessTexts>[0] = { label: 'Mini', stages: [{ id: 'a', label: { en: 'A', 'zh-CN': '甲' }, kind: 'open' }, { id: 'w', label: { en: 'Won' }, kind: 'won', guidance: { 'zh-CN': '写下金额' } }], transitions: [{ from: 'a', to: 'w', label: { en: 'Go', 'zh-CN': '走' }, guardMessage: 'No.' }] };
    expect(untranslatedProcessTexts(def)).toEqual(['/label (zh-CN)', '/stages/1/label (zh-CN)', '/stages/1/guidance (en)', '/transitions/0/guardMessage (zh-CN)']);
  });
});

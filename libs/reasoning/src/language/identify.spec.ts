import { LANGUAGE_CODES, MGSM_LANGUAGES, XCSQA_LANGUAGES, XNLI_LANGUAGES, type LanguageCode } from '@xreason/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLabelledSet } from '../../test/labelled-set.js';
import { loadLanguageDetector, type LanguageDetector } from './detector.js';
import { profileLanguage } from './identify.js';
import { maskNonLanguage } from './mask.js';

let detector: LanguageDetector;
beforeAll(async () => {
  detector = await loadLanguageDetector();
});

describe('the labelled reasoning set', () => {
  const set = readLabelledSet();

  it('covers every supported language (MGSM, X-CSQA, XNLI and the rest) with numbers, LaTeX and code-switching', () => {
    const required = new Set<LanguageCode>([
      ...MGSM_LANGUAGES,
      ...XCSQA_LANGUAGES,
      ...XNLI_LANGUAGES,
      ...LANGUAGE_CODES,
    ]);
    for (const language of required) {
      const kinds = new Set(set.filter((t) => t.language === language).map((t) => t.kind));
      expect([language, [...kinds].sort()]).toEqual([language, ['code-switch', 'latex', 'numbers', 'plain']]);
    }
  });

  it('is identified with at least 95% accuracy overall and 75% in every language', () => {
    const perLanguage = new Map<LanguageCode, { right: number; total: number }>();
    const misses: string[] = [];
    for (const item of set) {
      const profile = profileLanguage(item.text, detector);
      const tally = perLanguage.get(item.language) ?? { right: 0, total: 0 };
      tally.total++;
      if (profile.language === item.language) tally.right++;
      else misses.push(`${item.language}/${item.kind} → ${profile.language}`);
      perLanguage.set(item.language, tally);
    }
    const rows = [...perLanguage].map(([language, t]) => `${language} ${t.right}/${t.total}`);
    console.log(
      `language-ID accuracy per language: ${rows.join(', ')}${misses.length ? `; misses: ${misses.join(', ')}` : ''}`,
    );
    const right = [...perLanguage.values()].reduce((s, t) => s + t.right, 0);
    expect(right / set.length).toBeGreaterThanOrEqual(0.95);
    for (const [language, t] of perLanguage) expect([language, t.right / t.total >= 0.75]).toEqual([language, true]);
  });
});

describe('language rules', () => {
  it('masks LaTeX and code before judging (digits belong to no script)', () => {
    expect(
      maskNonLanguage('Soit $x^2 + \\frac{1}{2}$ et `let y = 3` puis \\sqrt{2} fin').replace(/\s+/g, ' ').trim(),
    ).toBe('Soit et puis fin');
  });

  it('a LaTeX-heavy English line stays French when its words are French', () => {
    const text = 'Donc $\\int_0^1 x\\,dx = \\frac{1}{2}$ et nous avons terminé le calcul de cette intégrale simple.';
    expect(profileLanguage(text, detector).language).toBe('fr');
  });

  it('kana make Han characters Japanese', () => {
    expect(profileLanguage('合計金額を計算します。', detector).language).toBe('ja');
  });

  it('Han characters without kana are Chinese', () => {
    expect(profileLanguage('计算总金额。', detector).language).toBe('zh');
  });

  it('a long kana-free Han sentence inside a Japanese text counts as Chinese', () => {
    const profile = profileLanguage('まず計算します。我们需要计算每个盒子里的铅笔数量然后求总和。', detector);
    expect(profile.languageShares.zh).toBeGreaterThan(0.5);
    expect(profile.languageShares.ja).toBeGreaterThan(0);
  });

  it('code-switching shows in the shares', () => {
    const text =
      'Réfléchissons étape par étape pour trouver le nombre total de crayons dans les boîtes, puis nous vérifierons le résultat avec soin. ' +
      'Wait, let me reconsider the problem statement and count the pencils in every single box again, very carefully this time.';
    const profile = profileLanguage(text, detector);
    expect(profile.languageShares.fr).toBeGreaterThan(0.3);
    expect(profile.languageShares.en).toBeGreaterThan(0.3);
  });

  it.each<[string, LanguageCode]>([
    ['Это ещё один пример текста на русском языке, который мы проверяем.', 'ru'],
    ['Това е още един пример за текст на български език, който проверяваме.', 'bg'],
    ['یہ اردو زبان میں لکھا گیا ایک جملہ ہے۔', 'ur'],
    ['هذه جملة مكتوبة باللغة العربية للاختبار.', 'ar'],
    ['이것은 한국어로 쓴 문장입니다.', 'ko'],
  ])('script rules and the detector separate same-script languages: %s → %s', (text, language) => {
    expect(profileLanguage(text, detector).language).toBe(language);
  });

  it('a text of only numbers and LaTeX has no language', () => {
    expect(profileLanguage('$x = 4$ 42 \\boxed{7}', detector)).toEqual({
      language: undefined,
      languageShares: {},
      letters: 0,
    });
  });
});

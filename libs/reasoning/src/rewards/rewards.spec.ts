import { RegistryError, SchemaValidationError } from '@xreason/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLanguageDetector, type LanguageDetector } from '../language/detector.js';
import { parseRewardConfig } from '../scoring/config.js';
import { Judgement, type Rollout, type ScoringMode } from '../scoring/judgement.js';
import { accuracyReward } from './accuracy.js';
import { formatReward } from './format.js';
import { languageConsistencyReward } from './language-consistency.js';
import { rewardRegistry } from './registry.js';

let detector: LanguageDetector;
beforeAll(async () => {
  detector = await loadLanguageDetector();
});

const FRENCH_TRACE =
  'Réfléchissons étape par étape. Marie a 3 boîtes de 8 crayons, donc elle a 24 crayons en tout. Elle en donne 6 à son frère, il lui en reste donc 18.';
const ENGLISH_TRACE =
  'Let me think step by step. Marie has 3 boxes of 8 pencils, so she has 24 pencils in total. She gives 6 to her brother, so 18 remain.';

const rollout = (completion: string, overrides: Partial<Rollout> = {}): Rollout => ({
  language: 'fr',
  task: 'math',
  gold: '18',
  completion,
  ...overrides,
});
const score = (
  reward: typeof accuracyReward,
  r: Rollout,
  mode: ScoringMode,
  parameters: Record<string, unknown> = {},
) => reward.score(new Judgement(r, detector), mode, parameters);

describe('accuracy', () => {
  it.each<[string, string, ScoringMode, number]>([
    ['a right boxed answer earns 1 (robust)', `<think>${FRENCH_TRACE}</think>La réponse est \\boxed{18}.`, 'robust', 1],
    ['"18,0" is 18 in French (robust)', `<think>${FRENCH_TRACE}</think>La réponse est 18,0.`, 'robust', 1],
    [
      '"18,0" is not the gold string (seed-compatible)',
      `<think>${FRENCH_TRACE}</think>La réponse est \\boxed{18,0}.`,
      'seed-compatible',
      0,
    ],
    [
      'any candidate equal to gold counts (seed-compatible)',
      `</think>\\boxed{18} puis \\boxed{20}`,
      'seed-compatible',
      1,
    ],
    ['only the last answer counts (robust)', `</think>\\boxed{18} puis \\boxed{20}`, 'robust', 0],
  ])('%s', (_name, completion, mode, expected) => {
    expect(score(accuracyReward, rollout(completion), mode)).toBe(expected);
  });
});

describe('format', () => {
  it.each<[string, string, ScoringMode, number]>([
    ['a closed trace then an answer is well formed', `<think>${FRENCH_TRACE}</think>La réponse est 18.`, 'robust', 1],
    ['no </think> is malformed', `${FRENCH_TRACE} La réponse est 18.`, 'robust', 0],
    ['</think> with no answer after it and none anywhere is malformed', `<think>rien</think>`, 'robust', 0],
    ['an empty trace is malformed', `<think></think>\\boxed{18}`, 'robust', 0],
    ['seed: </think> and \\boxed{ anywhere is enough', `</think> \\boxed{`, 'seed-compatible', 1],
    ['seed: an answer phrase without a box is not', `<think>x</think>La réponse est 18.`, 'seed-compatible', 0],
  ])('%s', (_name, completion, mode, expected) => {
    expect(score(formatReward, rollout(completion), mode, { requireOpenTag: false })).toBe(expected);
  });

  it('requireOpenTag rejects a completion that does not open <think> itself', () => {
    const r = rollout(`${FRENCH_TRACE}</think>\\boxed{18}`);
    expect(score(formatReward, r, 'robust', { requireOpenTag: false })).toBe(1);
    expect(score(formatReward, r, 'robust', { requireOpenTag: true })).toBe(0);
  });
});

describe('language consistency', () => {
  it('a French trace and a French answer are consistent', () => {
    expect(
      score(
        languageConsistencyReward,
        rollout(`<think>${FRENCH_TRACE}</think>La réponse est donc 18 crayons.`),
        'robust',
        { partialCredit: false },
      ),
    ).toBe(1);
  });
  it('an English trace for a French question is not, even with a French answer', () => {
    expect(
      score(
        languageConsistencyReward,
        rollout(`<think>${ENGLISH_TRACE}</think>La réponse est donc 18 crayons.`),
        'robust',
        { partialCredit: false },
      ),
    ).toBe(0);
  });
  it('a French trace with an English answer sentence is not', () => {
    expect(
      score(
        languageConsistencyReward,
        rollout(`<think>${FRENCH_TRACE}</think>So the final answer is 18 pencils.`),
        'robust',
        { partialCredit: false },
      ),
    ).toBe(0);
  });
  it('a bare boxed number says nothing against the language', () => {
    expect(
      score(languageConsistencyReward, rollout(`<think>${FRENCH_TRACE}</think>\\boxed{18}`), 'robust', {
        partialCredit: false,
      }),
    ).toBe(1);
  });
  it('partial credit scores the target share of a code-switched trace', () => {
    const s = score(
      languageConsistencyReward,
      rollout(`<think>${FRENCH_TRACE} ${ENGLISH_TRACE} ${ENGLISH_TRACE}</think>\\boxed{18}`),
      'robust',
      { partialCredit: true },
    );
    expect(s).toBeGreaterThan(0.2);
    expect(s).toBeLessThan(0.5);
  });
  it('seed-compatible is the detector probability of the target over the whole completion', () => {
    const french = score(
      languageConsistencyReward,
      rollout(`<think>${FRENCH_TRACE}</think>\\boxed{18}`),
      'seed-compatible',
    );
    const english = score(
      languageConsistencyReward,
      rollout(`<think>${ENGLISH_TRACE}</think>\\boxed{18}`),
      'seed-compatible',
    );
    expect(french).toBeGreaterThan(0.8);
    expect(english).toBeLessThan(0.1);
  });
});

describe('reward registry and config', () => {
  it('lists the three published rewards with their published weights', () => {
    expect(rewardRegistry.values().map((r) => [r.name, r.defaultWeight])).toEqual([
      ['accuracy', 1],
      ['format', 0.2],
      ['language-consistency', 0.2],
    ]);
  });
  it('an unknown reward name in the config throws with a did-you-mean', () => {
    expect(() => parseRewardConfig({ weights: { acuracy: 1 } })).toThrow(/did you mean "accuracy"/);
    expect(() => parseRewardConfig({ weights: { acuracy: 1 } })).toThrow(RegistryError);
  });
  it('a bad parameter throws naming the reward and field', () => {
    expect(() => parseRewardConfig({ parameters: { format: { requireOpenTag: 'yes' } } })).toThrow(
      SchemaValidationError,
    );
    expect(() => parseRewardConfig({ parameters: { format: { requireOpenTag: 'yes' } } })).toThrow(
      /\/parameters\/format\/requireOpenTag/,
    );
  });
  it('a negative weight or an unknown mode throws', () => {
    expect(() => parseRewardConfig({ weights: { format: -1 } })).toThrow(/\/weights\/format/);
    expect(() => parseRewardConfig({ mode: 'fast' })).toThrow(/\/mode/);
  });
  it('configured weights replace the defaults and parameters get their defaults', () => {
    const config = parseRewardConfig({ weights: { format: 0.5 } });
    expect(config.mode).toBe('robust');
    expect(config.rewards.find((r) => r.name === 'format')).toEqual({
      name: 'format',
      weight: 0.5,
      parameters: { requireOpenTag: false },
    });
  });
});

import type { Cast } from './language-pack.js';
import { CAST_SIZE } from './language-pack.js';
import { isWorldLanguage, LANGUAGE_PACKS, WORLD_LANGUAGES, type WorldLanguage } from './languages/index.js';
import { SeededRandom } from './random.js';
import {
  drawNumbers,
  equation,
  TEMPLATES,
  type NumberRange,
  type Step,
  type TemplateName,
  type WorldTemplate,
} from './templates.js';

/**
 * The synthetic multilingual reasoning world: grade-school word problems with exact answers,
 * written natively in every world language, parallel (one problem = the same template, numbers
 * and cast in every language). Splits hold out templates and number ranges, so evaluation on
 * them measures generalisation, not recall of training problems.
 */
export const SPLIT_NAMES = ['train', 'test-iid', 'test-template', 'test-range'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export interface SplitSpec {
  templates: readonly TemplateName[];
  /** Every free operand is drawn from here. */
  range: NumberRange;
}

export const TRAIN_TEMPLATES: readonly TemplateName[] = [
  'buy-more',
  'give-away',
  'packs',
  'buy-then-give',
  'packs-minus',
  'packs-then-share',
];
export const HELD_OUT_TEMPLATES: readonly TemplateName[] = ['lose', 'boxes-plus-loose', 'pages-left'];
export const TRAIN_RANGE: NumberRange = { min: 2, max: 20 };
export const HELD_OUT_RANGE: NumberRange = { min: 21, max: 60 };

export const DEFAULT_SPLITS: Readonly<Record<SplitName, SplitSpec>> = {
  train: { templates: TRAIN_TEMPLATES, range: TRAIN_RANGE },
  // Same distribution as train; disjoint problems (see `inIidTest`).
  'test-iid': { templates: TRAIN_TEMPLATES, range: TRAIN_RANGE },
  'test-template': { templates: HELD_OUT_TEMPLATES, range: TRAIN_RANGE },
  'test-range': { templates: TRAIN_TEMPLATES, range: HELD_OUT_RANGE },
};

export interface ProblemText {
  question: string;
  /** One sentence per step, each with its equation `a op b = r`. */
  reasoning: string[];
  /** "The answer is N." in the language. */
  answer: string;
}

export interface WorldProblem {
  id: string;
  split: SplitName;
  template: TemplateName;
  /** Difficulty: the number of arithmetic steps. */
  steps: 1 | 2 | 3;
  numbers: Readonly<Record<string, number>>;
  solution: readonly Step[];
  answer: number;
  cast: Cast;
  text: Readonly<Partial<Record<WorldLanguage, ProblemText>>>;
}

export interface GenerateOptions {
  seed: number;
  split: SplitName;
  count: number;
  languages?: readonly WorldLanguage[];
  /** Only these step counts (1–3); default all the split's templates. */
  difficulty?: readonly (1 | 2 | 3)[];
  /** Override the split definitions (tests, ablations). */
  splits?: Readonly<Record<SplitName, SplitSpec>>;
}

/** Train and test-iid share a distribution; a problem belongs to test-iid iff its hash falls in one tenth. */
function inIidTest(template: TemplateName, numbers: Readonly<Record<string, number>>): boolean {
  const key = `${template}:${Object.entries(numbers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;
  return SeededRandom.for('iid', key).next() < 0.1;
}

export function generateProblems(options: GenerateOptions): WorldProblem[] {
  const splits = options.splits ?? DEFAULT_SPLITS;
  const spec = splits[options.split];
  const languages = options.languages ?? WORLD_LANGUAGES;
  for (const language of languages) {
    if (!isWorldLanguage(language))
      throw new Error(`the synthetic world is not written in "${language}" (have: ${WORLD_LANGUAGES.join(', ')})`);
  }
  const templates = spec.templates
    .map((name) => TEMPLATES.find((t) => t.name === name) as WorldTemplate)
    .filter((t) => !options.difficulty || options.difficulty.includes(t.steps));
  if (templates.length === 0)
    throw new Error(`split "${options.split}" has no template with ${options.difficulty?.join('/')} steps`);

  const problems: WorldProblem[] = [];
  for (let index = 0; index < options.count; index++) {
    const random = SeededRandom.for(options.seed, options.split, index);
    // Templates in rotation keep the mix even at any count; the operands are random.
    const template = templates[index % templates.length] as WorldTemplate;
    let numbers = drawNumbers(template, spec.range, random);
    if (options.split === 'train' || options.split === 'test-iid') {
      const wantIid = options.split === 'test-iid';
      for (let tries = 0; inIidTest(template.name, numbers) !== wantIid; tries++) {
        if (tries > 10_000)
          throw new Error(`split "${options.split}": cannot draw a problem for template "${template.name}"`);
        numbers = drawNumbers(template, spec.range, random);
      }
    }
    const name = random.int(0, CAST_SIZE.names - 1);
    const cast: Cast = {
      name,
      friend: (name + random.int(1, CAST_SIZE.names - 1)) % CAST_SIZE.names,
      item: random.int(0, CAST_SIZE.items - 1),
    };
    const solution = template.solve(numbers);
    const answer = (solution.at(-1) as Step).result;
    const equations = solution.map(equation);
    const text: Partial<Record<WorldLanguage, ProblemText>> = {};
    for (const language of languages) {
      const pack = LANGUAGE_PACKS[language];
      text[language] = {
        question: pack.question(template.name, cast, numbers, equations),
        reasoning: pack.reasoning(template.name, cast, numbers, equations),
        answer: pack.answer(answer),
      };
    }
    problems.push({
      id: `${options.split}-${options.seed}-${index}`,
      split: options.split,
      template: template.name,
      steps: template.steps,
      numbers,
      solution,
      answer,
      cast,
      text,
    });
  }
  return problems;
}

/** The text of `problem` in `language`, or a clear error when it was generated without it. */
export function problemText(problem: WorldProblem, language: WorldLanguage): ProblemText {
  const text = problem.text[language];
  if (!text) throw new Error(`problem ${problem.id} was generated without "${language}"`);
  return text;
}

/**
 * A worked solution: the question in `questionLanguage`, the reasoning and the closing answer in
 * `reasoningLanguage`. With them different (say ja question, en reasoning) this is the behaviour
 * the alignment methods remove — an English-thinking model answering a Japanese user.
 */
export function workedSolution(
  problem: WorldProblem,
  questionLanguage: WorldLanguage,
  reasoningLanguage: WorldLanguage = questionLanguage,
) {
  const reasoning = problemText(problem, reasoningLanguage);
  return {
    question: problemText(problem, questionLanguage).question,
    reasoning: reasoning.reasoning.join('\n'),
    answer: reasoning.answer,
    questionLanguage,
    reasoningLanguage,
  };
}

/** X→English question translation, the pair QAlign stage I and MindMerger's mapping stage train on. */
export function questionTranslation(problem: WorldProblem, from: WorldLanguage, to: WorldLanguage = 'en') {
  return { source: problemText(problem, from).question, target: problemText(problem, to).question, from, to };
}

import type { SeededRandom } from './random.js';

/** One arithmetic step of a solution; the reasoning writes it as `left op right = result`. */
export interface Step {
  left: number;
  op: '+' | '-' | '×' | '÷';
  right: number;
  result: number;
}

export type Numbers = Readonly<Record<string, number>>;

/** An inclusive range that every *free* operand of a problem is drawn from. */
export interface NumberRange {
  min: number;
  max: number;
}

export const TEMPLATE_NAMES = [
  'buy-more',
  'give-away',
  'packs',
  'buy-then-give',
  'packs-minus',
  'packs-then-share',
  'lose',
  'boxes-plus-loose',
  'pages-left',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/**
 * A problem shape, independent of language: which operands are drawn freely, which are derived,
 * and the solution as arithmetic steps. Language packs only render it.
 */
export interface WorldTemplate {
  name: TemplateName;
  steps: 1 | 2 | 3;
  /** Operands drawn from the split's number range; the held-out range test checks exactly these. */
  free: readonly string[];
  /** Extra constraints on the free operands (e.g. a remainder-free division); false → draw again. */
  accept?: (n: Numbers) => boolean;
  /** Operands computed from the free ones (a book's page count, say). */
  derive?: (n: Numbers) => Record<string, number>;
  solve(n: Numbers): Step[];
}

const v = (n: Numbers, key: string): number => {
  const value = n[key];
  if (value === undefined) throw new Error(`template bug: operand "${key}" missing`);
  return value;
};
const add = (left: number, right: number): Step => ({ left, op: '+', right, result: left + right });
const sub = (left: number, right: number): Step => ({ left, op: '-', right, result: left - right });
const mul = (left: number, right: number): Step => ({ left, op: '×', right, result: left * right });
const div = (left: number, right: number): Step => ({ left, op: '÷', right, result: left / right });

export const TEMPLATES: readonly WorldTemplate[] = [
  { name: 'buy-more', steps: 1, free: ['a', 'b'], solve: (n) => [add(v(n, 'a'), v(n, 'b'))] },
  {
    name: 'give-away',
    steps: 1,
    free: ['a', 'b'],
    accept: (n) => v(n, 'a') > v(n, 'b'),
    solve: (n) => [sub(v(n, 'a'), v(n, 'b'))],
  },
  { name: 'packs', steps: 1, free: ['a', 'b'], solve: (n) => [mul(v(n, 'a'), v(n, 'b'))] },
  {
    name: 'buy-then-give',
    steps: 2,
    free: ['a', 'b', 'c'],
    accept: (n) => v(n, 'c') < v(n, 'a') + v(n, 'b'),
    solve: (n) => {
      const s = add(v(n, 'a'), v(n, 'b'));
      return [s, sub(s.result, v(n, 'c'))];
    },
  },
  {
    name: 'packs-minus',
    steps: 2,
    free: ['a', 'b', 'c'],
    accept: (n) => v(n, 'c') < v(n, 'a') * v(n, 'b'),
    solve: (n) => {
      const s = mul(v(n, 'a'), v(n, 'b'));
      return [s, sub(s.result, v(n, 'c'))];
    },
  },
  {
    name: 'packs-then-share',
    steps: 3,
    free: ['a', 'b', 'c', 'd'],
    accept: (n) => (v(n, 'a') * v(n, 'b') + v(n, 'c')) % v(n, 'd') === 0,
    solve: (n) => {
      const s = mul(v(n, 'a'), v(n, 'b'));
      const t = add(s.result, v(n, 'c'));
      return [s, t, div(t.result, v(n, 'd'))];
    },
  },
  // Held out by default: same operations, stories the training split never tells.
  {
    name: 'lose',
    steps: 1,
    free: ['a', 'b'],
    accept: (n) => v(n, 'a') > v(n, 'b'),
    solve: (n) => [sub(v(n, 'a'), v(n, 'b'))],
  },
  {
    name: 'boxes-plus-loose',
    steps: 2,
    free: ['a', 'b', 'c'],
    solve: (n) => {
      const s = mul(v(n, 'a'), v(n, 'b'));
      return [s, add(s.result, v(n, 'c'))];
    },
  },
  {
    name: 'pages-left',
    steps: 3,
    free: ['a', 'b', 'c', 'e'],
    derive: (n) => ({ d: v(n, 'a') * v(n, 'b') + v(n, 'c') + v(n, 'e') }),
    solve: (n) => {
      const s = mul(v(n, 'a'), v(n, 'b'));
      const t = add(s.result, v(n, 'c'));
      return [s, t, sub(v(n, 'd'), t.result)];
    },
  },
];

/** Draws the free operands from `range` until the template's constraints hold (bounded: a bad range fails loudly). */
export function drawNumbers(template: WorldTemplate, range: NumberRange, random: SeededRandom): Record<string, number> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const n: Record<string, number> = {};
    for (const key of template.free) n[key] = random.int(range.min, range.max);
    if (template.accept && !template.accept(n)) continue;
    return { ...n, ...template.derive?.(n) };
  }
  throw new Error(`template "${template.name}": no operands in [${range.min}, ${range.max}] satisfy its constraints`);
}

export function equation(step: Step): string {
  return `${step.left} ${step.op} ${step.right} = ${step.result}`;
}

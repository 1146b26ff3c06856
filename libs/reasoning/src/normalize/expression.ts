import { add, div, equals, mul, pow, rational, rationalFromDecimal, sub, toNumber, type Rational } from './rational.js';

/** A number as exact as the expression allows: `exact` while only field operations were used. */
export interface MathValue {
  exact?: Rational;
  approx: number;
}

const exactValue = (r: Rational): MathValue => ({ exact: r, approx: toNumber(r) });
const approxValue = (x: number): MathValue => ({ approx: x });

type Token = { kind: 'num'; text: string } | { kind: 'op'; text: string } | { kind: 'cmd'; text: string };

/** Longer inputs are not "simple expressions": refusing them keeps the scorer's cost bounded. */
const MAX_EXPRESSION_LENGTH = 200;

function tokenize(source: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (char === ' ') {
      i++;
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(source.slice(i, i + 64));
    if (number) {
      tokens.push({ kind: 'num', text: number[0] });
      i += number[0].length;
      continue;
    }
    if ('+-*/^(){}[]'.includes(char)) {
      tokens.push({ kind: 'op', text: char });
      i++;
      continue;
    }
    const command = /^\\[a-zA-Z]+/.exec(source.slice(i, i + 32));
    if (command) {
      tokens.push({ kind: 'cmd', text: command[0] });
      i += command[0].length;
      continue;
    }
    if (source.startsWith('pi', i) || char === 'π') {
      tokens.push({ kind: 'cmd', text: '\\pi' });
      i += char === 'π' ? 1 : 2;
      continue;
    }
    return undefined; // a variable or anything else: not a closed-form number
  }
  return tokens;
}

/**
 * Evaluates a closed-form arithmetic expression (+ − × ÷ ^, parentheses, `\frac`, `\sqrt`, `\sqrt[n]`,
 * π) with a recursive-descent parser: no `eval`, no variables, bounded input. Results stay exact
 * rationals until a root or π makes them irrational. Returns undefined for anything else.
 */
export function evaluateExpression(source: string): MathValue | undefined {
  if (source.length === 0 || source.length > MAX_EXPRESSION_LENGTH) return undefined;
  const tokens = tokenize(source);
  if (!tokens || tokens.length === 0) return undefined;
  let position = 0;
  const peek = () => tokens[position];
  const isOp = (text: string) => {
    const t = peek();
    return t !== undefined && t.kind === 'op' && t.text === text;
  };
  const expect = (text: string) => {
    if (!isOp(text)) throw new SyntaxError(`expected ${text}`);
    position++;
  };

  const expression = (): MathValue => {
    let value = term();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[position++] as Token).text;
      value = combine(value, term(), op);
    }
    return value;
  };
  const term = (): MathValue => {
    let value = unary();
    for (;;) {
      if (isOp('*') || isOp('/')) {
        const op = (tokens[position++] as Token).text;
        value = combine(value, unary(), op);
        continue;
      }
      const next = peek();
      // Implicit product: "2\sqrt{3}", "3\pi", "2(4+1)".
      if (next && ((next.kind === 'cmd' && next.text !== '\\cdot') || (next.kind === 'op' && next.text === '('))) {
        value = combine(value, power(), '*');
        continue;
      }
      return value;
    }
  };
  const unary = (): MathValue => {
    if (isOp('-')) {
      position++;
      return combine(exactValue(rational(0n)), unary(), '-');
    }
    if (isOp('+')) {
      position++;
      return unary();
    }
    return power();
  };
  const power = (): MathValue => {
    const base = atom();
    if (!isOp('^')) return base;
    position++;
    return raise(base, unary());
  };
  const group = (): MathValue => {
    expect('{');
    const value = expression();
    expect('}');
    return value;
  };
  const atom = (): MathValue => {
    const token = tokens[position++];
    if (!token) throw new SyntaxError('unexpected end');
    if (token.kind === 'num') return exactValue(rationalFromDecimal(token.text));
    if (token.kind === 'op' && (token.text === '(' || token.text === '{' || token.text === '[')) {
      const value = expression();
      expect(token.text === '(' ? ')' : token.text === '{' ? '}' : ']');
      return value;
    }
    if (token.kind === 'cmd') {
      switch (token.text) {
        case '\\frac':
        case '\\dfrac':
        case '\\tfrac':
          return combine(fracArgument(), fracArgument(), '/');
        case '\\sqrt': {
          let degree: MathValue = exactValue(rational(2n));
          if (isOp('[')) {
            position++;
            degree = expression();
            expect(']');
          }
          return root(group(), degree);
        }
        case '\\pi':
          return approxValue(Math.PI);
        case '\\cdot':
        case '\\times':
          throw new SyntaxError('operator where a value was expected');
      }
    }
    throw new SyntaxError(`unexpected ${token.text}`);
  };
  // `\frac12` is legal LaTeX: an argument is a braced group or a single digit.
  const fracArgument = (): MathValue => {
    const token = peek();
    if (token?.kind === 'num' && !isOp('{')) {
      position++;
      const first = token.text[0] as string;
      if (token.text.length > 1) tokens.splice(position, 0, { kind: 'num', text: token.text.slice(1) });
      return exactValue(rational(BigInt(first)));
    }
    return group();
  };

  // `\cdot` and `\times` are multiplication operators, `\div` division: rewrite before parsing.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'cmd' && (t.text === '\\cdot' || t.text === '\\times')) tokens[i] = { kind: 'op', text: '*' };
    if (t.kind === 'cmd' && t.text === '\\div') tokens[i] = { kind: 'op', text: '/' };
  }
  try {
    const value = expression();
    if (position !== tokens.length) return undefined;
    return Number.isFinite(value.approx) ? value : undefined;
  } catch {
    return undefined;
  }
}

function combine(a: MathValue, b: MathValue, op: string): MathValue {
  if (a.exact && b.exact) {
    if (op === '/' && b.exact.num === 0n) throw new RangeError('division by zero');
    const f = op === '+' ? add : op === '-' ? sub : op === '*' ? mul : div;
    return exactValue(f(a.exact, b.exact));
  }
  const x = a.approx;
  const y = b.approx;
  return approxValue(op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y);
}

function raise(base: MathValue, exponent: MathValue): MathValue {
  if (base.exact && exponent.exact && exponent.exact.den === 1n) {
    const r = pow(base.exact, exponent.exact.num);
    if (r) return exactValue(r);
  }
  return approxValue(base.approx ** exponent.approx);
}

function root(radicand: MathValue, degree: MathValue): MathValue {
  if (radicand.exact && degree.exact && degree.exact.den === 1n && degree.exact.num > 0n && radicand.exact.num >= 0n) {
    const n = degree.exact.num;
    const num = integerRoot(radicand.exact.num, n);
    const den = integerRoot(radicand.exact.den, n);
    if (num !== undefined && den !== undefined) return exactValue(rational(num, den));
  }
  return approxValue(radicand.approx ** (1 / degree.approx));
}

/** The exact integer n-th root of `value`, or undefined when it is irrational. */
function integerRoot(value: bigint, n: bigint): bigint | undefined {
  const guess = BigInt(Math.round(Number(value) ** (1 / Number(n))));
  for (const candidate of [guess - 1n, guess, guess + 1n])
    if (candidate >= 0n && candidate ** n === value) return candidate;
  return undefined;
}

/** Exact equality when both are exact; otherwise a relative tolerance of 1e-6 (absolute near zero). */
export function valuesEqual(a: MathValue, b: MathValue): boolean {
  if (a.exact && b.exact) return equals(a.exact, b.exact);
  const scale = Math.max(1, Math.abs(a.approx), Math.abs(b.approx));
  return Math.abs(a.approx - b.approx) <= 1e-6 * scale;
}

/** An exact fraction of big integers, always reduced, denominator positive: equality is field equality. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function rational(num: bigint, den = 1n): Rational {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

/** "12.50" → 25/2 exactly; the decimal string must already be in plain `-123.456` form. */
export function rationalFromDecimal(text: string): Rational {
  const match = /^([-+]?)(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?$/i.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new SyntaxError(`not a decimal: ${text}`);
  const fraction = match[3] ?? '';
  let num = BigInt((match[2] || '0') + fraction);
  let den = 10n ** BigInt(fraction.length);
  const exponent = Number(match[4] ?? 0);
  if (exponent > 0) num *= 10n ** BigInt(exponent);
  if (exponent < 0) den *= 10n ** BigInt(-exponent);
  return rational(match[1] === '-' ? -num : num, den);
}

export const add = (a: Rational, b: Rational) => rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational) => rational(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational) => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational) => rational(a.num * b.den, a.den * b.num);
export const equals = (a: Rational, b: Rational) => a.num === b.num && a.den === b.den;
export const toNumber = (r: Rational) => Number(r.num) / Number(r.den);

/** Integer powers stay exact; the exponent is bounded so `2^99999999` cannot hang the scorer. */
export function pow(base: Rational, exponent: bigint): Rational | undefined {
  if (exponent > 4096n || exponent < -4096n) return undefined;
  const e = exponent < 0n ? -exponent : exponent;
  const r = rational(base.num ** e, base.den ** e);
  return exponent < 0n ? div(rational(1n), r) : r;
}

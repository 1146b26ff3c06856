/** The option letters multiple-choice suites use (MMLU-Pro has ten). */
export const CHOICE_LETTERS = 'ABCDEFGHIJ';

export type ChoiceReading = { letter: string } | { hedged: true } | undefined;

/**
 * Reads an option letter out of an extracted answer: `C`, `(C)`, `C)`, `\text{C}`, `\textbf{(C)}`,
 * full-width `Ｃ`, "Option C", "C. Paris". Two or more distinct letters ("A or B", "A, B, C, D") is
 * hedging and earns no answer at all, so listing every option can never collect credit.
 */
export function readChoice(answer: string): ChoiceReading {
  const text = answer
    .normalize('NFKC')
    .replace(/\\(?:text|textbf|mathrm|mathbf)\s*\{([^{}]*)\}/g, '$1')
    .replace(/[$*]/g, '')
    .trim();
  const letters = new Set<string>();
  // A letter standing alone as a word (not the "A" of "A cat"), optionally wrapped in brackets.
  for (const match of text.matchAll(/(?<![\p{L}\p{N}'])\(?([A-J])\)?(?![\p{L}\p{N}'])/gu)) {
    letters.add(match[1] as string);
  }
  if (letters.size === 0) return undefined;
  if (letters.size > 1) {
    // "C. Paris" style: the letter opens the answer and the rest is the option's text.
    const leading = /^\(?([A-J])[).:]\s/.exec(text);
    if (leading && !/\b(?:or|and|ou|et|o|y|oder|und)\b|[,/]/.test(text.slice(0, 6)))
      return { letter: leading[1] as string };
    return { hedged: true };
  }
  return { letter: [...letters][0] as string };
}

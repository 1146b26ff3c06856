/**
 * Japanese (and Chinese) text often writes numbers with full-width digits (０-９, U+FF10–FF19);
 * answer matching and tokenisation are kinder to ASCII digits. Optional, because a benchmark's
 * text should otherwise reach the model as published.
 */
const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/g;

export function normaliseFullWidthDigits(text: string): string {
  return text.replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
}

/**
 * Masks what carries no natural language before the language of a text is judged: LaTeX (display,
 * inline, and bare `\commands{…}`), fenced and inline code, URLs, numbers and the reasoning tags.
 * Masked runs become a single space, so the words on either side stay separate words.
 */
const MASKS: readonly RegExp[] = [
  /```[\s\S]*?(?:```|$)/g, // fenced code, also when the completion was cut off inside it
  /`[^`\n]*`/g,
  /\$\$[\s\S]*?\$\$/g,
  /\\\[[\s\S]*?\\\]/g,
  /\\\([\s\S]*?\\\)/g,
  /\$[^$\n]*\$/g,
  /<\/?(?:think|thinking|answer|output)>/gi,
  /https?:\/\/\S+/g,
  // Bare LaTeX commands outside math delimiters, with their braced arguments (one level of nesting).
  /\\[a-zA-Z]+\*?(?:\s*\{(?:[^{}]|\{[^{}]*\})*\})*/g,
  // Numbers in any script's digits, with separators, signs and percent.
  /[-+−]?\p{Nd}+(?:[.,'\u00A0\u202F\u2009 ]\p{Nd}+)*%?/gu,
];

export function maskNonLanguage(text: string): string {
  let masked = text;
  for (const pattern of MASKS) masked = masked.replace(pattern, ' ');
  return masked;
}

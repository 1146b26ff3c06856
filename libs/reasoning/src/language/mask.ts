/**
 * Masks what carries no natural language before the language of a text is judged: LaTeX (display,
 * inline, and bare `\commands{…}`), fenced and inline code, URLs and the reasoning tags. Masked runs
 * become a single space, so the words on either side stay separate words. Numbers need no pass of
 * their own: digits belong to no script, so the profiler never counts or sends them.
 */
const MASKS: ReadonlyArray<{ trigger: string; pattern: RegExp }> = [
  { trigger: '```', pattern: /```[\s\S]*?(?:```|$)/g }, // fenced code, also when the completion was cut off inside it
  { trigger: '`', pattern: /`[^`\n]*`/g },
  { trigger: '$$', pattern: /\$\$[\s\S]*?\$\$/g },
  { trigger: '\\[', pattern: /\\\[[\s\S]*?\\\]/g },
  { trigger: '\\(', pattern: /\\\([\s\S]*?\\\)/g },
  { trigger: '$', pattern: /\$[^$\n]*\$/g },
  { trigger: '<', pattern: /<\/?(?:think|thinking|answer|output)>/gi },
  { trigger: 'http', pattern: /https?:\/\/\S+/g },
  // Bare LaTeX commands outside math delimiters, with their braced arguments (one level of nesting).
  { trigger: '\\', pattern: /\\[a-zA-Z]+\*?(?:\s*\{(?:[^{}]|\{[^{}]*\})*\})*/g },
];

export function maskNonLanguage(text: string): string {
  let masked = text;
  // A pattern runs only when its trigger occurs: most of a trace is prose, and a regex pass over
  // 2 KiB costs more than the indexOf that rules it out.
  for (const { trigger, pattern } of MASKS) if (masked.includes(trigger)) masked = masked.replace(pattern, ' ');
  return masked;
}

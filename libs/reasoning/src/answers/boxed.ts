/** One `\boxed{…}` (or `\fbox{…}`, or `\boxed x`) found in a completion: its content and where it starts. */
export interface BoxedAnswer {
  content: string;
  index: number;
}

const BOX_COMMAND = /\\(?:boxed|fbox)(?![a-zA-Z])/g;

/**
 * Every boxed answer in order of appearance. Braces are matched with a depth counter, so
 * `\boxed{\frac{1}{2}}` yields `\frac{1}{2}`; `\boxed 5` (no braces) takes the next token; an
 * unclosed box (a cut-off completion) yields nothing.
 */
export function findBoxedAnswers(text: string): BoxedAnswer[] {
  const found: BoxedAnswer[] = [];
  for (const match of text.matchAll(BOX_COMMAND)) {
    let i = match.index + match[0].length;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (text[i] === '{') {
      let depth = 0;
      const start = i + 1;
      for (; i < text.length; i++) {
        const char = text[i];
        if (char === '\\') {
          i++; // an escaped brace `\{` does not open or close
          continue;
        }
        if (char === '{') depth++;
        else if (char === '}' && --depth === 0) break;
      }
      if (depth === 0 && i < text.length) found.push({ content: text.slice(start, i).trim(), index: match.index });
    } else if (i > match.index + match[0].length) {
      const token = /^[^\s$]+/.exec(text.slice(i));
      if (token) found.push({ content: token[0], index: match.index });
    }
  }
  return found;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLanguageCode, type LanguageCode } from '@xreason/contracts';

export interface LabelledText {
  language: LanguageCode;
  kind: string;
  text: string;
}

/** Reads test/fixtures/language-id.txt: "### <language> <kind>" headers, each followed by its text. */
export function readLabelledSet(): LabelledText[] {
  const source = readFileSync(join(import.meta.dirname, 'fixtures/language-id.txt'), 'utf8');
  return source
    .split(/^### /m)
    .slice(1)
    .map((block) => {
      const newline = block.indexOf('\n');
      const [language = '', kind = ''] = block.slice(0, newline).trim().split(/\s+/);
      if (!isLanguageCode(language)) throw new Error(`language-id.txt: unknown language "${language}"`);
      return { language, kind, text: block.slice(newline + 1).trim() };
    });
}

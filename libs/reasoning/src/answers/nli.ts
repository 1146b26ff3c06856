import type { LanguageCode } from '@xreason/contracts';

export type NliLabel = 'entailment' | 'neutral' | 'contradiction';
export const NLI_LABELS: readonly NliLabel[] = ['entailment', 'neutral', 'contradiction'];

/**
 * XNLI's three labels in each XNLI language, plus the true/neither/false and yes/maybe/no wordings
 * that NLI prompts use. Word lists, not a translation service: what models actually write.
 */
const WORDS: Partial<Record<LanguageCode, Record<NliLabel, readonly string[]>>> = {
  en: {
    entailment: ['entailment', 'entails', 'true', 'yes'],
    neutral: ['neutral', 'neither', 'maybe', 'undetermined'],
    contradiction: ['contradiction', 'contradicts', 'false', 'no'],
  },
  fr: {
    entailment: ['implication', 'vrai', 'oui', 'conséquence'],
    neutral: ['neutre', 'ni l’un ni l’autre', "ni l'un ni l'autre", 'peut-être'],
    contradiction: ['contradiction', 'faux', 'non'],
  },
  es: {
    entailment: ['implicación', 'vinculación', 'verdadero', 'sí'],
    neutral: ['neutral', 'ninguno', 'quizás'],
    contradiction: ['contradicción', 'falso', 'no'],
  },
  de: {
    entailment: ['folgerung', 'implikation', 'wahr', 'ja'],
    neutral: ['neutral', 'weder noch', 'vielleicht'],
    contradiction: ['widerspruch', 'falsch', 'nein'],
  },
  ru: {
    entailment: ['следование', 'следствие', 'истина', 'да'],
    neutral: ['нейтрально', 'нейтральный', 'ни то ни другое', 'возможно'],
    contradiction: ['противоречие', 'ложь', 'нет'],
  },
  bg: {
    entailment: ['следствие', 'вярно', 'да'],
    neutral: ['неутрално', 'неутрален', 'нито едното'],
    contradiction: ['противоречие', 'невярно', 'не'],
  },
  el: {
    entailment: ['συνεπαγωγή', 'αληθές', 'ναι'],
    neutral: ['ουδέτερο', 'ουδέτερη', 'ούτε'],
    contradiction: ['αντίφαση', 'ψευδές', 'όχι'],
  },
  ar: {
    entailment: ['استلزام', 'صحيح', 'نعم'],
    neutral: ['محايد', 'حياد', 'لا هذا ولا ذاك'],
    contradiction: ['تناقض', 'خطأ', 'لا'],
  },
  ur: {
    entailment: ['استلزام', 'درست', 'ہاں'],
    neutral: ['غیر جانبدار', 'نیوٹرل'],
    contradiction: ['تضاد', 'غلط', 'نہیں'],
  },
  hi: {
    entailment: ['अनुलग्नता', 'निहितार्थ', 'सत्य', 'हाँ'],
    neutral: ['तटस्थ', 'न तो'],
    contradiction: ['विरोधाभास', 'असत्य', 'नहीं'],
  },
  sw: {
    entailment: ['ukubali', 'kweli', 'ndiyo'],
    neutral: ['wastani', 'si hivi wala vile', 'huenda'],
    contradiction: ['mgongano', 'ukinzani', 'uongo', 'hapana'],
  },
  th: {
    entailment: ['การอนุมาน', 'จริง', 'ใช่'],
    neutral: ['เป็นกลาง', 'ไม่แน่ใจ'],
    contradiction: ['ขัดแย้ง', 'เท็จ', 'ไม่ใช่'],
  },
  tr: {
    entailment: ['çıkarım', 'gerektirme', 'doğru', 'evet'],
    neutral: ['nötr', 'tarafsız', 'belirsiz'],
    contradiction: ['çelişki', 'yanlış', 'hayır'],
  },
  vi: {
    entailment: ['kéo theo', 'suy ra', 'đúng', 'có'],
    neutral: ['trung lập', 'trung tính', 'không xác định'],
    contradiction: ['mâu thuẫn', 'sai', 'không'],
  },
  zh: {
    entailment: ['蕴含', '蕴涵', '正确', '是'],
    neutral: ['中立', '中性', '无关'],
    contradiction: ['矛盾', '错误', '否'],
  },
};

/** XNLI's numeric labels as the dataset stores them. */
const NUMERIC: Record<string, NliLabel> = { '0': 'entailment', '1': 'neutral', '2': 'contradiction' };

/**
 * The NLI label an answer names, or `hedged` when it names more than one (no credit for listing
 * every label), or undefined when it names none. English words are accepted in every language.
 */
export function readNliLabel(answer: string, language: LanguageCode): NliLabel | { hedged: true } | undefined {
  const text = answer
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\\text\s*\{([^{}]*)\}/g, '$1')
    .trim();
  if (Object.hasOwn(NUMERIC, text)) return NUMERIC[text];
  const named = new Set<NliLabel>();
  const tables = [WORDS[language], WORDS.en].filter((t) => t !== undefined);
  for (const table of tables) {
    for (const label of NLI_LABELS) {
      for (const word of table[label]) if (containsWord(text, word)) named.add(label);
    }
  }
  if (named.size === 0) return undefined;
  if (named.size > 1) return { hedged: true };
  return [...named][0];
}

function containsWord(text: string, word: string): boolean {
  const index = text.indexOf(word);
  if (index < 0) return false;
  // Scripts without spaces (zh, th) match anywhere; spaced scripts need word edges ("no" ≠ "noted").
  if (
    !/^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Devanagari}\s'’-]+$/u.test(word)
  )
    return true;
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{M}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{M}])`,
    'u',
  );
  return pattern.test(text);
}

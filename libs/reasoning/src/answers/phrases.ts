import type { LanguageCode } from '@xreason/contracts';

/**
 * "The answer is …" in every supported language. Math-verify knows the English phrase only; a model
 * reasoning in Telugu writes "సమాధానం". Each pattern ends where the answer begins.
 */
export const ANSWER_PHRASES: Record<LanguageCode, readonly string[]> = {
  en: ['the final answer is', 'the answer is', 'final answer', 'answer'],
  fr: ['la réponse finale est', 'la réponse est', 'réponse finale', 'réponse'],
  es: ['la respuesta final es', 'la respuesta es', 'respuesta final', 'respuesta'],
  de: ['die endgültige antwort lautet', 'die antwort lautet', 'die antwort ist', 'antwort'],
  it: ['la risposta finale è', 'la risposta è', 'risposta finale', 'risposta'],
  pt: ['a resposta final é', 'a resposta é', 'resposta final', 'resposta'],
  nl: ['het antwoord is', 'antwoord'],
  pl: ['ostateczna odpowiedź to', 'odpowiedź to', 'odpowiedź brzmi', 'odpowiedź'],
  tr: ['cevap', 'yanıt'],
  vi: ['đáp án là', 'câu trả lời là', 'đáp án', 'câu trả lời'],
  id: ['jawabannya adalah', 'jawaban akhirnya adalah', 'jawabannya', 'jawaban'],
  sw: ['jibu la mwisho ni', 'jibu ni', 'jibu'],
  ru: ['окончательный ответ', 'ответ'],
  bg: ['отговорът е', 'отговор'],
  el: ['η απάντηση είναι', 'απάντηση'],
  ar: ['الإجابة النهائية هي', 'الإجابة هي', 'الجواب هو', 'الإجابة', 'الجواب'],
  ur: ['جواب ہے', 'جواب'],
  hi: ['अंतिम उत्तर है', 'उत्तर है', 'उत्तर'],
  bn: ['উত্তর হলো', 'উত্তর হল', 'উত্তর'],
  te: ['సమాధానం', 'జవాబు'],
  th: ['คำตอบสุดท้ายคือ', 'คำตอบคือ', 'คำตอบ'],
  zh: ['最终答案是', '答案是', '答案为', '答案'],
  ja: ['答えは', '解答は', '答え', '解答'],
  ko: ['정답은', '답은', '정답', '답'],
};

/** Words that close an answer sentence without being part of the answer ("です", "이다", …). */
const TRAILING =
  /\s*(?:です|である|だ|となります|になります|입니다|이다|이에요|예요|है|হলো|ครับ|ค่ะ|ہے|是)?\s*[.。!！,，;；]*\s*$/u;

export interface PhraseAnswer {
  content: string;
  index: number;
}

const compiled = new Map<LanguageCode, RegExp>();

function phrasePattern(language: LanguageCode): RegExp {
  let pattern = compiled.get(language);
  if (!pattern) {
    // English phrases are accepted in every language: models often close a foreign trace in English.
    const phrases = [...new Set([...ANSWER_PHRASES[language], ...ANSWER_PHRASES.en])].sort(
      (a, b) => b.length - a.length,
    );
    const escaped = phrases.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    // Latin/Cyrillic phrases need a word boundary before them ("answer" inside "reanswer" is not one).
    pattern = new RegExp(`(?<![\\p{L}])(?:${escaped.join('|')})\\s*(?:[:：]|est|is|ist|es|è|é|là|ni|—|-)?\\s*`, 'giu');
    compiled.set(language, pattern);
  }
  return pattern;
}

/** Every "the answer is X" in order, X running to the end of its line (a box inside it is left to boxed.ts). */
export function findPhraseAnswers(text: string, language: LanguageCode): PhraseAnswer[] {
  const found: PhraseAnswer[] = [];
  const pattern = phrasePattern(language);
  pattern.lastIndex = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index + match[0].length;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const content = text.slice(start, end).replace(TRAILING, '').trim();
    if (content.length > 0 && content.length <= 80) found.push({ content, index: match.index });
  }
  return found;
}

import { isLanguageCode, type LanguageCode } from '@xreason/contracts';
import { getLIDModel } from 'fasttext.wasm.js';

/**
 * The statistical detector for languages that share a script (Latin, Cyrillic, Arabic). fastText's
 * lid.176 won the comparison on our labelled reasoning set (README.md): 100% where the runners-up
 * lost Swahili or Indonesian. Loading is asynchronous (a WebAssembly module and a 900 kB model);
 * every call after that is synchronous, so scoring stays a plain loop.
 */
export interface LanguageDetector {
  /** Probabilities of the `limit` most likely supported languages, most likely first. */
  probabilities(text: string, limit?: number): Array<[LanguageCode, number]>;
  /** The most likely language among `candidates`, or undefined when none scores at all. */
  mostLikely(text: string, candidates: readonly LanguageCode[]): LanguageCode | undefined;
}

interface PredictionVector {
  size(): number;
  get(index: number): [number, string];
  delete(): void;
}
interface FastTextPredictor {
  predict(text: string, k: number, threshold: number): PredictionVector;
}

const LABEL_PREFIX = '__label__'.length;

export class FastTextLanguageDetector implements LanguageDetector {
  constructor(private readonly model: FastTextPredictor) {}

  probabilities(text: string, limit = 5): Array<[LanguageCode, number]> {
    // fastText reads one line: a newline would end the input early.
    const vector = this.model.predict(text.replace(/\s+/g, ' '), limit, 0);
    try {
      const result: Array<[LanguageCode, number]> = [];
      for (let i = 0; i < vector.size(); i++) {
        const [probability, label] = vector.get(i);
        const code = label.slice(LABEL_PREFIX);
        if (isLanguageCode(code)) result.push([code, probability]);
      }
      return result;
    } finally {
      vector.delete(); // the vector lives in WebAssembly memory: not deleting it leaks on every call
    }
  }

  mostLikely(text: string, candidates: readonly LanguageCode[]): LanguageCode | undefined {
    // The top label is a candidate almost always, and asking fastText for one label is cheapest
    // (its tree search prunes harder); widen only when it is a language we do not support.
    for (const limit of [1, 12, 60]) {
      for (const [code] of this.probabilities(text, limit)) if (candidates.includes(code)) return code;
    }
    return undefined;
  }
}

let shared: Promise<LanguageDetector> | undefined;

/** The process-wide detector, loaded once. */
export function loadLanguageDetector(): Promise<LanguageDetector> {
  shared ??= (async () => {
    const lid = await getLIDModel();
    const model = (await lid.load()) as unknown as FastTextPredictor;
    return new FastTextLanguageDetector(model);
  })();
  return shared;
}

/**
 * Hugging Face's tokenizers report offsets in Unicode code points (Rust `char`s); JavaScript strings
 * index UTF-16 code units. They differ only after a character outside the Basic Multilingual Plane
 * (emoji, rare CJK), so the conversion table is built only for texts that contain a surrogate pair.
 */
const SURROGATE = /[\uD800-\uDFFF]/;

export type Offset = readonly [start: number, end: number];

/** Code-point offsets → UTF-16 offsets, so that `text.slice(start, end)` is the token's source text. */
export function toUtf16Offsets(text: string, codePointOffsets: readonly (readonly number[])[]): Offset[] {
  if (!SURROGATE.test(text)) return codePointOffsets.map((o) => [o[0] ?? 0, o[1] ?? 0] as const);
  // utf16At[k] = UTF-16 index of code point k; one extra entry for the end of the text.
  const utf16At: number[] = [];
  let unit = 0;
  for (const ch of text) {
    utf16At.push(unit);
    unit += ch.length;
  }
  utf16At.push(unit);
  const at = (codePoint: number): number => utf16At[Math.min(codePoint, utf16At.length - 1)] ?? unit;
  return codePointOffsets.map((o) => [at(o[0] ?? 0), at(o[1] ?? 0)] as const);
}

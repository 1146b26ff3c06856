/** A tokenizer that cannot be loaded, trained, saved or used; the message names the file or field at fault. */
export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

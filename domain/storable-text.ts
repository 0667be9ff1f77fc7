/**
 * Why a string cannot be stored, or undefined when it can: PostgreSQL's text refuses NUL (U+0000), and
 * a lone surrogate is not Unicode, so neither dialect could give it back as it came.
 * @example unstorableReason('a\u0000b') // 'contains a NUL character (U+0000)'
 */
export function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (!text.isWellFormed()) return 'contains a lone surrogate (an unpaired code unit in U+D800-U+DFFF)';
  return undefined;
}

/** The text with NUL removed and lone surrogates replaced (U+FFFD): what synced content is stored as. */
export function storableText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '') : wellFormed;
}

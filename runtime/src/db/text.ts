const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a text cannot be stored (PostgreSQL refuses NUL bytes in text and jsonb, and unpaired
 * UTF-16 surrogates are not Unicode), or `undefined` when it can.
 *
 * @example
 * ```ts
 * textProblem('a\u0000b'); // 'contains a NUL character (\\u0000), which cannot be stored'
 * ```
 */
export function textProblem(s: string): string | undefined {
  if (NUL.test(s)) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (\\ud800-\\udfff), which is not Unicode text';
  return undefined;
}

/**
 * The text with every character {@link textProblem} refuses replaced by U+FFFD, for quoting
 * refused input back in a report that is itself stored.
 *
 * @example
 * ```ts
 * storableText('a\u0000b'); // 'a\ufffdb'
 * ```
 */
export function storableText(s: string): string {
  return s.replace(/\u0000/g, '\ufffd').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
}

/**
 * Dialect-neutral SQL fragments: literal text parts written by this package only, and bound
 * parameters in between (like a tagged template). Rule content only ever travels as a parameter.
 * The runtime turns a fragment into a Kysely expression; {@link renderPostgres} renders `$n` text.
 */

/**
 * A piece of SQL: `parts.length === params.length + 1`, text is `parts[0] params[0] parts[1] …`.
 *
 * @example
 * ```ts
 * const f: SqlFragment = { parts: ['amount >= ', ''], params: [10000] };
 * ```
 */
export interface SqlFragment {
  readonly parts: readonly string[];
  readonly params: readonly unknown[];
}

/**
 * SQL value types the translation tracks: `boolean` operands are never NULL (they hold
 * json-logic truthiness); other operands are NULL where the JavaScript value is `null`
 * (`nullMeans: 'null'`) or `NaN` (`nullMeans: 'nan'`).
 */
export type SqlType = 'boolean' | 'number' | 'text' | 'date';

/**
 * A translated sub-rule.
 *
 * @example
 * ```ts
 * const amount: SqlOperand = { sql: sqlFragment`(data #>> ${sqlParam('{amount}')}::text[])::float8`, type: 'number', nullMeans: 'null' };
 * ```
 */
export interface SqlOperand {
  readonly sql: SqlFragment;
  readonly type: SqlType;
  readonly nullMeans: 'null' | 'nan';
  /** Whether the operand can be NULL at all. */
  readonly nullable: boolean;
  /** For `text` operands holding dates: the JSON Schema format of the field. */
  readonly format?: 'date' | 'date-time';
  /** The JavaScript value when the operand is a constant. */
  readonly constant?: { readonly value: unknown };
}

/** What a plugin operator's `toSql` may use: the current time as a `timestamptz` fragment. */
export interface SqlOperatorContext {
  readonly now: SqlFragment;
}

/** A bound parameter marker for {@link sqlFragment}. */
export class SqlParam {
  constructor(readonly value: unknown) {}
}

/**
 * Marks `value` as a bound parameter inside {@link sqlFragment}.
 *
 * @example
 * ```ts
 * sqlFragment`${sqlParam(10000)}::float8`;
 * ```
 */
export function sqlParam(value: unknown): SqlParam {
  return new SqlParam(value);
}

/**
 * Tagged template building a {@link SqlFragment}: interpolated fragments are spliced in,
 * {@link SqlParam}s become parameters. Only use it with literal template text.
 *
 * @example
 * ```ts
 * const f = sqlFragment`(${a.sql} + ${b.sql})`;
 * ```
 */
export function sqlFragment(strings: TemplateStringsArray, ...values: ReadonlyArray<SqlFragment | SqlParam>): SqlFragment {
  const parts: string[] = [strings[0] ?? ''];
  const params: unknown[] = [];
  values.forEach((value, i) => {
    const next = strings[i + 1] ?? '';
    if (value instanceof SqlParam) {
      params.push(value.value);
      parts.push(next);
    } else {
      parts[parts.length - 1] += value.parts[0] ?? '';
      for (let j = 0; j < value.params.length; j++) {
        params.push(value.params[j]);
        parts.push(value.parts[j + 1] ?? '');
      }
      parts[parts.length - 1] += next;
    }
  });
  return { parts, params };
}

/**
 * Joins fragments with a constant separator.
 *
 * @example
 * ```ts
 * joinSql([a, b, c], ' AND ');
 * ```
 */
export function joinSql(fragments: readonly SqlFragment[], separator: ', ' | ' AND ' | ' OR ' | ' + ' | ' * '): SqlFragment {
  const parts: string[] = [''];
  const params: unknown[] = [];
  fragments.forEach((fragment, i) => {
    if (i > 0) parts[parts.length - 1] += separator;
    parts[parts.length - 1] += fragment.parts[0] ?? '';
    for (let j = 0; j < fragment.params.length; j++) {
      params.push(fragment.params[j]);
      parts.push(fragment.parts[j + 1] ?? '');
    }
  });
  return { parts, params };
}

/**
 * Renders a fragment as PostgreSQL text with `$1…$n` placeholders.
 *
 * @example
 * ```ts
 * renderPostgres(sqlFragment`x = ${sqlParam(1)}`); // { text: 'x = $1', values: [1] }
 * ```
 */
export function renderPostgres(fragment: SqlFragment, firstIndex = 1): { text: string; values: unknown[] } {
  let text = fragment.parts[0] ?? '';
  fragment.params.forEach((_, i) => {
    text += `$${i + firstIndex}${fragment.parts[i + 1] ?? ''}`;
  });
  return { text, values: [...fragment.params] };
}

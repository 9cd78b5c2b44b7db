import { RE2JS } from 're2js';

/** What ajv needs of a regular expression. */
export interface LinearRegExp {
  test(input: string): boolean;
  toString(): string;
}

/**
 * ajv's `code.regExp` engine: JSON Schema `pattern`s (and `patternProperties`) run on RE2JS, a
 * linear-time engine (Google's RE2 ported to JavaScript), instead of the backtracking `RegExp`.
 * A pattern such as `^(a+)+$` then costs time proportional to the input, never exponential, so
 * a pattern an admin or a plugin wrote cannot block the server on a crafted value. Patterns RE2
 * cannot run in linear time (lookaround, backreferences) are refused when the schema compiles,
 * with a message saying so; `test` searches like `RegExp.prototype.test`.
 *
 * @example
 * ```ts
 * new Ajv2020({ code: { regExp: linearRegExpEngine } });
 * linearRegExpEngine('^[A-Z]{3}$', 'u').test('USD'); // true
 * ```
 */
export const linearRegExpEngine = Object.assign(
  (pattern: string): LinearRegExp => {
    let re: RE2JS;
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      throw new Error(`pattern "${pattern.slice(0, 200)}" is not supported: ${(err as Error).message} (patterns run on a linear-time engine, without lookaround or backreferences)`);
    }
    // ajv shares compiled patterns by their `toString()`: it must name the pattern.
    return { test: (input: string) => re.test(input), toString: () => `re2:${pattern}` };
  },
  { code: 'linearRegExpEngine' },
);

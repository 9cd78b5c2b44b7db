import fc from 'fast-check';
import { RuleError } from '../errors';
import { checkRule } from './check';

/**
 * fast-check arbitraries for the differential test against json-logic-js: rules using every
 * standard operator with the arities the checker accepts, and records that exercise truthiness,
 * coercion and missing values. Test support only (imports a dev dependency); not exported.
 */

type Rule = unknown;

const RECORD_PATHS = ['a', 'b', 'c', 'n', 's', 'o.x', 'o.y', 'o.z.w', 'items', 'items.0', 'items.1.x', 'nums', 'tags', 'missing', 'a.b', '', '0'];
const ELEMENT_PATHS = ['', 'x', 'y', 'current', 'accumulator', 'current.x', 'z'];
const KEY_SETS: string[][] = [['a'], ['a', 'b'], ['o.x', 'missing'], ['s', 'n', 'c'], ['items.0', 'tags', 'x']];

export const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 3, 10, 0.5, -2.5, 1e21, 100),
  fc.integer({ min: -50, max: 50 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.constantFrom('', '0', '1', '10', 'abc', 'a', ' 2 ', '2024-05-01', 'x', '1e3', 'NaN'),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant(null),
);

const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('x', 'y', 'z', 'w', 'current'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** A record: mostly objects with the known keys, sometimes a bare value or array. */
export const dataArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.record(
    {
      a: valueArb, b: scalarArb, c: scalarArb, n: fc.integer({ min: -5, max: 20 }), s: fc.constantFrom('', 'abc', '12', 'b'),
      o: fc.record({ x: scalarArb, y: valueArb, z: fc.record({ w: scalarArb }) }, { requiredKeys: [] }),
      items: fc.array(fc.oneof(scalarArb, fc.record({ x: scalarArb, y: scalarArb }, { requiredKeys: [] })), { maxLength: 4 }),
      nums: fc.array(fc.integer({ min: -10, max: 10 }), { maxLength: 5 }),
      tags: fc.array(fc.constantFrom('a', 'b', 'vip', ''), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ) },
  { weight: 1, arbitrary: valueArb },
);

const varArb = (paths: string[]): fc.Arbitrary<Rule> =>
  fc.oneof(
    fc.constantFrom(...paths).map((p) => ({ var: p })),
    fc.constantFrom(...paths).map((p) => ({ var: [p] })),
    fc.tuple(fc.constantFrom(...paths), scalarArb).map(([p, d]) => ({ var: [p, d] })),
    fc.constantFrom(0, 1, 2).map((i) => ({ var: i })),
  );

/** Rules over `paths` (record paths at top level, element paths inside bodies). */
function rules(paths: string[], depth: number): fc.Arbitrary<Rule> {
  const leaf = fc.oneof({ weight: 2, arbitrary: scalarArb }, { weight: 3, arbitrary: varArb(paths) });
  if (depth <= 0) return leaf;
  const sub = rules(paths, depth - 1);
  const body = rules(ELEMENT_PATHS, depth - 1);
  const args = (min: number, max: number): fc.Arbitrary<Rule[]> => fc.array(sub, { minLength: min, maxLength: max });
  const op = (name: string, min: number, max: number): fc.Arbitrary<Rule> => args(min, max).map((a) => ({ [name]: a }));
  const collection = fc.oneof(varArb(['items', 'nums', 'tags', 'a', 'o.y']), fc.array(scalarArb, { maxLength: 4 }), sub);
  const keys = fc.oneof(
    fc.constantFrom(...KEY_SETS),
    fc.constantFrom(...KEY_SETS).map((k) => [k]),
    fc.constantFrom(...KEY_SETS).map((k) => ({ merge: [k[0], { if: [{ var: 'c' }, k.slice(1), []] }] })),
  );
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    fc.constantFrom('==', '===', '!=', '!==', '>', '>=').chain((o) => op(o, 2, 2)),
    fc.constantFrom('<', '<=').chain((o) => op(o, 2, 3)),
    fc.constantFrom('!', '!!').chain((o) => fc.oneof(sub.filter((a) => !Array.isArray(a)).map((a) => ({ [o]: a })), op(o, 1, 1))),
    fc.constantFrom('and', 'or').chain((o) => op(o, 0, 4)),
    fc.constantFrom('if', '?:').chain((o) => op(o, 0, 6)),
    fc.constantFrom('+', 'min', 'max', 'cat', 'merge').chain((o) => fc.oneof(op(o, 0, 4), sub.map((a) => ({ [o]: a })))),
    op('*', 1, 3),
    op('-', 1, 2),
    fc.constantFrom('/', '%').chain((o) => op(o, 2, 2)),
    fc.tuple(sub, fc.oneof(sub, fc.array(scalarArb, { maxLength: 4 }), fc.constantFrom('abc', 'vip', '12'))).map(([a, b]) => ({ in: [a, b] })),
    op('substr', 2, 3),
    keys.map((k) => ({ missing: k })),
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(...KEY_SETS)).map(([n, k]) => ({ missing_some: [n, k] })),
    fc.tuple(fc.constantFrom('map', 'filter', 'all', 'some', 'none'), collection, body).map(([o, c, b]) => ({ [o]: [c, b] })),
    fc.tuple(collection, body, fc.option(sub, { nil: undefined })).map(([c, b, i]) => ({ reduce: i === undefined ? [c, b] : [c, b, i] })),
    fc.tuple(fc.oneof(fc.constantFrom('a', 'o', 'o.x'), sub), fc.option(scalarArb, { nil: undefined })).map(([p, d]) => ({
      var: d === undefined ? [{ cat: [p] }] : [{ cat: [p] }, d],
    })),
    fc.array(sub, { maxLength: 3 }),
  );
}

/** Rules up to 4 levels deep over the record paths. */
export const ruleArb: fc.Arbitrary<Rule> = rules(RECORD_PATHS, 4);

/**
 * {@link ruleArb} without the rules the checker refuses on purpose where json-logic-js would run
 * them: a `reduce` that keeps its accumulator twice and so grows exponentially
 * (`rule.unbounded-growth`, see hostile.test.ts). Everything else the generator makes must pass.
 */
export const acceptedRuleArb: fc.Arbitrary<Rule> = ruleArb.filter((rule) => {
  try {
    checkRule(rule);
    return true;
  } catch (err) {
    return !(err instanceof RuleError && err.code === 'rule.unbounded-growth');
  }
});

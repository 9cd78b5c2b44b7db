import { describe, expect, it } from 'vitest';
import { renderPostgres } from './fragment';
import { toSqlValue } from './to-sql';

const schema = { type: 'object', properties: { employees: { type: 'number' }, name: { type: 'string' } } };
const grading = { if: [{ '>=': [{ var: 'employees' }, 4000] }, 'A', { '>=': [{ var: 'employees' }, 1500] }, 'B', 'C'] };

describe('toSqlValue: a rule\'s value in SQL, partly where SQL cannot express a part', () => {
  it('translates a whole grading rule to a CASE over its values, decided everywhere', () => {
    const v = toSqlValue(grading, { schema });
    expect(v.type).toBe('text');
    expect(v.unsupported).toEqual([]);
    expect(renderPostgres(v.decided).text).toBe('TRUE');
    const { text, values } = renderPostgres(v.value);
    expect(text).toMatch(/^\(CASE WHEN .* THEN \$\d+::text WHEN .* THEN \$\d+::text ELSE \$\d+::text END\)$/);
    expect(values.filter((x) => typeof x === 'string' && x.length === 1)).toEqual(['A', 'B', 'C']);
  });

  it('keeps the branches before an untranslatable condition in SQL and leaves the records reaching it undecided', () => {
    const rule = { if: [{ '>=': [{ var: 'employees' }, 4000] }, 'A', { '==': [{ '%': [{ var: 'employees' }, 2] }, 0] }, 'B', 'C'] };
    const v = toSqlValue(rule, { schema });
    expect(v.unsupported.map((u) => u.pointer)).toEqual(['/if/2/==/0']);
    expect(renderPostgres(v.value).text).toMatch(/THEN \$\d+::text ELSE NULL END\)$/);
    expect(renderPostgres(v.decided).text).toMatch(/THEN TRUE ELSE FALSE END\)$/);
  });

  it('leaves the whole rule undecided when the untranslatable part is not inside an if', () => {
    const v = toSqlValue({ cat: ['x', { var: 'name' }] }, { schema });
    expect(v.type).toBeNull();
    expect(renderPostgres(v.decided).text).toBe('FALSE');
    expect(v.unsupported).toHaveLength(1);
  });

  it('still refuses a rule that does not check (unknown operator)', () => {
    expect(() => toSqlValue({ nope: [1] }, { schema })).toThrow();
  });
});

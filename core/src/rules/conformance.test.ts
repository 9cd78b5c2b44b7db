import { readFileSync } from 'node:fs';
import jsonLogic from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { compileRule } from './compile';
import { explain } from './explain';

type Case = [rule: unknown, data: unknown, expected: unknown];

const suite = JSON.parse(readFileSync(new URL('../../test-data/jsonlogic-tests.json', import.meta.url), 'utf8')) as Array<string | Case>;
const cases: Array<{ section: string; index: number; test: Case }> = [];
let section = '';
suite.forEach((entry, index) => {
  if (typeof entry === 'string') section = entry;
  else cases.push({ section, index, test: entry });
});

describe('json-logic conformance suite', () => {
  it('has the 280 published cases', () => {
    expect(cases).toHaveLength(280);
  });

  it.each(cases.map((c) => [`${c.index} ${c.section}: ${JSON.stringify(c.test[0]).slice(0, 80)}`, c.test] as const))('%s', (_name, [rule, data, expected]) => {
    const compiled = compileRule(rule, { mode: 'codegen' })(data);
    expect(compiled).toEqual(expected);
    expect(compileRule(rule, { mode: 'interpret' })(data)).toEqual(expected);
    expect(explain(rule, data).value).toEqual(expected);
    expect(jsonLogic.apply(rule as jsonLogic.RulesLogic, data)).toEqual(expected);
  });
});

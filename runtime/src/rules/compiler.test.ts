import { compileRule, createOperatorRegistry, loadPlugins, registerBusinessOperators, ruleCorpus } from '@pipewright/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS_DIR, discoverPluginDirs, folderSource } from '../plugins/folder-source';
import { processContextOf } from '../process/context';
import { vmRuleCompiler } from './compiler';

describe('vmRuleCompiler', () => {
  it('compiles every corpus rule to a function with the same results as new Function', () => {
    const operators = createOperatorRegistry();
    registerBusinessOperators(operators);
    const context = { now: () => ruleCorpus.CORPUS_NOW };
    const records = ruleCorpus.generateDeals(500, 7);
    for (const { id, rule } of ruleCorpus.corpusRules) {
      const viaVm = compileRule(rule, { operators, schema: ruleCorpus.dealSchema, context, compiler: vmRuleCompiler, mode: 'codegen' });
      const viaFunction = compileRule(rule, { operators, schema: ruleCorpus.dealSchema, context, mode: 'codegen' });
      for (const record of records) expect(viaVm(record), id).toEqual(viaFunction(record));
    }
  });

  it('keeps hostile rule text as data', () => {
    const text = '"); globalThis.pwnedByVm = 1; ("';
    const fn = compileRule({ cat: [text, { var: 'a' }] }, { compiler: vmRuleCompiler, mode: 'codegen' });
    expect(fn({ a: 'x' })).toBe(`${text}x`);
    expect((globalThis as Record<string, unknown>).pwnedByVm).toBeUndefined();
  });

  it('is the compiler of the runtime\'s process guards', async () => {
    const registry = await loadPlugins(discoverPluginDirs([BUILTIN_PLUGINS_DIR]).map(folderSource));
    expect(processContextOf(registry).ruleCompiler).toBe(vmRuleCompiler);
  });
});

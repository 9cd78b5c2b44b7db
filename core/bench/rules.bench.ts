/**
 * Rule engine benchmark: compiled rules vs json-logic-js `apply` vs hand-written JavaScript on
 * the shared corpus, plus compile time per rule. Same records for every contender; results are
 * accumulated into a checksum that is printed, so no work can be eliminated.
 * Run: `npm run bench:rules`. Last line: one JSON object.
 */
import jsonLogic from 'json-logic-js';
import { compileRule, createOperatorRegistry, registerSalesOperators, salesOperators, type CompiledRule } from '../src/rules/index';
import { CORPUS_NOW, corpusRules, dealSchema, generateDeals, type DealRecord } from '../src/rules/corpus/index';

const RECORDS = 4000;
const MIN_MS = 1500;
const TRIALS = 3;

const operators = createOperatorRegistry();
registerSalesOperators(operators);
const context = { now: () => CORPUS_NOW };
const nowMs = CORPUS_NOW.getTime();
for (const op of salesOperators) jsonLogic.add_operation(op.name, (...args: unknown[]) => op.evaluate(args, context));

let records: DealRecord[] = generateDeals(RECORDS, 42);
const rules = corpusRules.map((c) => c.rule);
const compiled: CompiledRule[] = rules.map((rule) => compileRule(rule, { operators, schema: dealSchema, context }));
const handwritten = corpusRules.map((c) => c.handwritten);

const score = (v: unknown): number => (v === true ? 1 : v === false ? 2 : typeof v === 'number' ? 3 : 4);

type Round = () => number;
const contenders: Record<string, Round> = {
  compiled: () => {
    let acc = 0;
    for (let i = 0; i < compiled.length; i++) {
      const fn = compiled[i] as CompiledRule;
      for (let j = 0; j < records.length; j++) acc += score(fn(records[j]));
    }
    return acc;
  },
  jsonlogic: () => {
    let acc = 0;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as jsonLogic.RulesLogic;
      for (let j = 0; j < records.length; j++) acc += score(jsonLogic.apply(rule, records[j]));
    }
    return acc;
  },
  handwritten: () => {
    let acc = 0;
    for (let i = 0; i < handwritten.length; i++) {
      const fn = handwritten[i] as (r: DealRecord, now: number) => unknown;
      for (let j = 0; j < records.length; j++) acc += score(fn(records[j] as DealRecord, nowMs));
    }
    return acc;
  },
};

const evalsPerRound = rules.length * records.length;
let checksum = 0;

function measure(name: string): number {
  const round = contenders[name] as Round;
  checksum += round(); // warm-up
  checksum += round();
  const rates: number[] = [];
  for (let t = 0; t < TRIALS; t++) {
    let rounds = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      checksum += round();
      rounds++;
      elapsed = performance.now() - start;
    } while (elapsed < MIN_MS / TRIALS || rounds < 2);
    rates.push((rounds * evalsPerRound) / (elapsed / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

function compileMicros(): number {
  // Compile (check + codegen + Function) and run once, so lazy bytecode compilation is counted.
  const iterations = 200;
  for (let i = 0; i < 20; i++) for (const rule of rules) checksum += score(compileRule(rule, { operators, schema: dealSchema, context })(records[0]));
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    for (const rule of rules) checksum += score(compileRule(rule, { operators, schema: dealSchema, context })(records[i % records.length]));
  }
  return ((performance.now() - start) * 1000) / (iterations * rules.length);
}

const ops = { compiled: measure('compiled'), jsonlogic: measure('jsonlogic'), handwritten: measure('handwritten') };
const compileUs = compileMicros();

// Worst case, informational: every record its own hidden class (absent keys instead of nulls), so
// every property read is megamorphic for every contender.
const dense = records;
records = dense.map((r, i) => Object.fromEntries(Object.entries(r).filter(([k, v]) => v !== null || (i + k.length) % 3 === 0)) as DealRecord);
const sparse = { compiled: measure('compiled'), jsonlogic: measure('jsonlogic'), handwritten: measure('handwritten') };
records = dense;
const round2 = (x: number): number => Math.round(x * 100) / 100;
const fmt = (x: number): string => `${(x / 1e6).toFixed(2)} M evals/s`;

console.log(`rules: ${rules.length}, records: ${records.length} (deterministic, varied), evaluations per round: ${evalsPerRound}`);
console.log(`compiled          ${fmt(ops.compiled)}`);
console.log(`json-logic-js     ${fmt(ops.jsonlogic)}`);
console.log(`hand-written JS   ${fmt(ops.handwritten)}`);
console.log(`compile per rule  ${compileUs.toFixed(1)} µs (check + codegen + first call)`);
console.log(`checksum          ${checksum}`);
console.log(`worst case (a hidden class per record): compiled ${fmt(sparse.compiled)}, json-logic-js ${fmt(sparse.jsonlogic)}, hand-written ${fmt(sparse.handwritten)}`);
const result = {
  bench: 'rules',
  rules: rules.length,
  compiled_vs_jsonlogic: round2(ops.compiled / ops.jsonlogic),
  compiled_vs_handwritten: round2(ops.compiled / ops.handwritten),
  compile_cost_in_evals: round2((compileUs / 1e6) * ops.compiled),
};
console.log(`goals: compiled_vs_jsonlogic >= 25, compiled_vs_handwritten >= 0.5, compile_cost_in_evals <= 1000`);
console.log(JSON.stringify(result));

/**
 * Rule engine benchmark: compiled rules vs json-logic-js `apply` vs hand-written JavaScript on
 * the shared corpus (24 rules x 4,000 deterministic, varied records), plus the cost of compiling
 * a rule. Run: `npm run bench:rules`. Last line: one JSON object.
 *
 * Method (built to be robust on a loaded, shared machine):
 * - Every contender evaluates the same rules on the same records and must produce the same
 *   checksum (checked every round), so no contender can skip or eliminate work.
 * - Warm-up: each contender runs until its throughput is stable (optimized code), then ROUNDS
 *   rounds interleave compiled / json-logic-js / hand-written / compilation, rotating the order
 *   every round. Each slice runs for about SLICE_MS. Ratios are computed per round (both sides of
 *   a ratio were measured seconds apart, under the same load) and the reported figure is the
 *   median of the per-round ratios. Medians of the rates are printed too.
 * - Compile cost: every sample is a fresh `compileRule` (parse, allowlist, caps, schema check,
 *   code generation, `new Function`) plus the first call, per rule. V8's in-memory eval cache is
 *   switched off (`--no-compilation-cache`), otherwise compiling the same source again skips
 *   V8's parse and bytecode generation and the figure is mostly cache hits. Per rule we take the
 *   median over all its samples; the compile time of the corpus is the mean of those medians.
 */
import { setFlagsFromString } from 'node:v8';
import jsonLogic from 'json-logic-js';
import { compileRule, createOperatorRegistry, registerSalesOperators, salesOperators, type CompiledRule } from '../src/rules/index';
import { CORPUS_NOW, corpusRules, dealSchema, generateDeals, type DealRecord } from '../src/rules/corpus/index';

setFlagsFromString('--no-compilation-cache');

const RECORDS = 4000;
const ROUNDS = 7;
const SLICE_MS = 250;
const WARMUP_MS = 600;
const COMPILES_PER_RULE_PER_ROUND = 15;
const SPARSE_ROUNDS = 3;

const operators = createOperatorRegistry();
registerSalesOperators(operators);
const context = { now: () => CORPUS_NOW };
const nowMs = CORPUS_NOW.getTime();
for (const op of salesOperators) jsonLogic.add_operation(op.name, (...args: unknown[]) => op.evaluate(args, context));

let records: DealRecord[] = generateDeals(RECORDS, 42);
const rules = corpusRules.map((c) => c.rule);
const ids = corpusRules.map((c) => c.id);
const compiled: CompiledRule[] = rules.map((rule) => compileRule(rule, { operators, schema: dealSchema, context }));
const handwritten = corpusRules.map((c) => c.handwritten);

const score = (v: unknown): number => (v === true ? 1 : v === false ? 2 : typeof v === 'number' ? 3 : 4);

type Contender = 'compiled' | 'jsonlogic' | 'handwritten';
const passes: Record<Contender, () => number> = {
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
const CONTENDERS = Object.keys(passes) as Contender[];

let checksum = 0;
const expected = new Map<string, number>();

/** Runs whole passes of `name` for about `ms`; returns evaluations per second. */
function slice(name: Contender, ms: number, tag: string): number {
  const pass = passes[name];
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    const sum = pass();
    const want = expected.get(tag);
    if (want === undefined) expected.set(tag, sum);
    else if (want !== sum) throw new Error(`${name} disagrees with the other contenders (${sum} vs ${want})`);
    checksum += sum;
    count++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (count * rules.length * records.length) / (elapsed / 1000);
}

function warmUp(tag: string): void {
  for (const name of CONTENDERS) slice(name, WARMUP_MS / 2, tag);
  for (const name of CONTENDERS) slice(name, WARMUP_MS / 2, tag);
}

/**
 * `times` fresh compilations (and first calls) of every rule, interleaved across rules; adds the
 * µs samples to `samples` and returns the mean over rules of this slice's per-rule medians.
 */
function compileSlice(times: number, samples: number[][]): number {
  const mine: number[][] = rules.map(() => []);
  for (let t = 0; t < times; t++) {
    for (let i = 0; i < rules.length; i++) {
      const record = records[(t * rules.length + i) % records.length];
      const start = performance.now();
      const fn = compileRule(rules[i], { operators, schema: dealSchema, context });
      checksum += score(fn(record));
      const us = (performance.now() - start) * 1000;
      (mine[i] as number[]).push(us);
      (samples[i] as number[]).push(us);
    }
  }
  return mean(mine.map(median));
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number): string => `${(x / 1e6).toFixed(2)}`;
const round2 = (x: number): number => Math.round(x * 100) / 100;

const started = performance.now();
console.log(`rules: ${rules.length}, records: ${records.length} (deterministic, varied), evaluations per pass: ${rules.length * records.length}`);
console.log(`method: ${ROUNDS} interleaved rounds of ~${SLICE_MS} ms per contender, order rotated; medians of per-round ratios; V8 compilation cache off`);

// Warm-up, including the compiler itself (parser, checker and generator get optimized too).
warmUp('dense');
for (const start = performance.now(); performance.now() - start < WARMUP_MS; ) compileSlice(5, rules.map(() => []));

const compileSamples: number[][] = rules.map(() => []);
const perRound: Array<{ compiled: number; jsonlogic: number; handwritten: number; compileUs: number }> = [];
const steps = [...CONTENDERS, 'compile'] as const;
console.log('round   compiled  json-logic  hand-written  (M evals/s)   compile µs/rule   vs json-logic  vs hand-written  compile cost (evals)');
for (let r = 0; r < ROUNDS; r++) {
  const rates: Partial<Record<Contender, number>> = {};
  let compileUs = 0;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[(s + r) % steps.length] as (typeof steps)[number];
    if (step === 'compile') compileUs = compileSlice(COMPILES_PER_RULE_PER_ROUND, compileSamples);
    else rates[step] = slice(step, SLICE_MS, 'dense');
  }
  const row = { compiled: rates.compiled as number, jsonlogic: rates.jsonlogic as number, handwritten: rates.handwritten as number, compileUs };
  perRound.push(row);
  console.log(
    `${String(r + 1).padStart(5)}   ${fmt(row.compiled).padStart(8)}  ${fmt(row.jsonlogic).padStart(10)}  ${fmt(row.handwritten).padStart(12)}  ${''.padStart(12)}  ${row.compileUs.toFixed(1).padStart(15)}   ${(row.compiled / row.jsonlogic).toFixed(1).padStart(13)}  ${(row.compiled / row.handwritten).toFixed(2).padStart(15)}  ${((row.compileUs / 1e6) * row.compiled).toFixed(0).padStart(20)}`,
  );
}

const perRule = compileSamples.map((xs) => median(xs));
const compileUs = mean(perRule);
const med = {
  compiled: median(perRound.map((x) => x.compiled)),
  jsonlogic: median(perRound.map((x) => x.jsonlogic)),
  handwritten: median(perRound.map((x) => x.handwritten)),
};
const ratios = {
  jsonlogic: perRound.map((x) => x.compiled / x.jsonlogic),
  handwritten: perRound.map((x) => x.compiled / x.handwritten),
  compile: perRound.map((x) => (x.compileUs / 1e6) * x.compiled),
};
console.log(`median  ${fmt(med.compiled).padStart(8)}  ${fmt(med.jsonlogic).padStart(10)}  ${fmt(med.handwritten).padStart(12)}  M evals/s`);
console.log(`compile per rule: mean of per-rule medians ${compileUs.toFixed(1)} µs over ${compileSamples[0]?.length} fresh compilations each (parse + check + codegen + new Function + first call)`);
const slowest = perRule.map((us, i) => [us, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 3);
console.log(`  per rule: min ${Math.min(...perRule).toFixed(1)} µs, max ${Math.max(...perRule).toFixed(1)} µs; slowest: ${slowest.map(([us, i]) => `${ids[i]} ${us.toFixed(1)}`).join(', ')}`);
const spread = (xs: number[], digits: number): string => `median ${median(xs).toFixed(digits)} (range ${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;
console.log(`compiled / json-logic-js:  ${spread(ratios.jsonlogic, 1)}`);
console.log(`compiled / hand-written:   ${spread(ratios.handwritten, 2)}`);
console.log(`compile cost in evaluations (round's compile time x round's compiled rate): ${spread(ratios.compile, 0)}`);

// Worst case, informational: every record its own hidden class (absent keys instead of nulls), so
// every property read is megamorphic for every contender.
const dense = records;
records = dense.map((rec, i) => Object.fromEntries(Object.entries(rec).filter(([k, v]) => v !== null || (i + k.length) % 3 === 0)) as DealRecord);
warmUp('sparse');
const sparse: Record<Contender, number[]> = { compiled: [], jsonlogic: [], handwritten: [] };
for (let r = 0; r < SPARSE_ROUNDS; r++) {
  for (let s = 0; s < CONTENDERS.length; s++) {
    const name = CONTENDERS[(s + r) % CONTENDERS.length] as Contender;
    sparse[name].push(slice(name, SLICE_MS / 2, 'sparse'));
  }
}
records = dense;
console.log(`worst case (a hidden class per record), medians of ${SPARSE_ROUNDS} rounds: compiled ${fmt(median(sparse.compiled))}, json-logic-js ${fmt(median(sparse.jsonlogic))}, hand-written ${fmt(median(sparse.handwritten))} M evals/s`);
console.log(`checksum ${checksum}; bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);

const result = {
  bench: 'rules',
  rules: rules.length,
  compiled_vs_jsonlogic: round2(median(ratios.jsonlogic)),
  compiled_vs_handwritten: round2(median(ratios.handwritten)),
  compile_cost_in_evals: round2(median(ratios.compile)),
};
const met = result.compiled_vs_jsonlogic >= 25 && result.compiled_vs_handwritten >= 0.5 && result.compile_cost_in_evals <= 1000;
console.log(`goals: compiled_vs_jsonlogic >= 25, compiled_vs_handwritten >= 0.5, compile_cost_in_evals <= 1000: ${met ? 'met' : 'NOT met'}`);
console.log(JSON.stringify(result));

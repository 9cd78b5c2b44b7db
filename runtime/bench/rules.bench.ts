/**
 * Rule engine benchmark: compiled rules vs json-logic-js `apply` vs hand-written JavaScript on
 * the shared corpus (24 rules x 4,000 deterministic, varied records), plus the cost of compiling
 * a rule. Run: `npm run bench:rules`. Last line: one JSON object.
 *
 * Method (built to be robust on a loaded, shared machine whose speed drifts within seconds):
 * - Every contender evaluates the same rules on the same records and must produce the same
 *   checksum for every pass, so no contender can skip or eliminate work. A pass is every rule
 *   over CHUNK records (all of them; see CHUNK).
 * - Warm-up: each contender, and the compiler, runs until its code is optimized. Then ROUNDS
 *   rounds; a round is ALTERNATIONS short turns (about TURN_MS each, at least one pass) of compiled / json-logic-js
 *   / hand-written / compilation, the order rotated every turn, so every contender is measured
 *   all through the round rather than in one block. A round's rate of a contender is its
 *   evaluations over its time in that round; ratios are computed per round and the reported
 *   figure is the median of the per-round ratios.
 * - Compile cost: every sample is a fresh compilation (parse, allowlist, caps, schema check, code
 *   generation, compilation by V8) plus the first call, compiled as the runtime compiles guards:
 *   `vmRuleCompiler` (`node:vm` `compileFunction`), and the rules that are loaded together in one
 *   `compileRules` call (a process version's guards are; here, the corpus's rules of one kind: 4
 *   or 5 at a time), whose time is divided among them. A rule compiled alone (`compileRule`) is
 *   measured in the same turns and printed too; the goal uses the grouped figure. V8's in-memory eval cache is
 *   switched off (`--no-compilation-cache`), otherwise compiling the same source again skips
 *   V8's parse and bytecode generation and the figure is mostly cache hits. A round's compile
 *   time is the mean over rules of that round's per-rule medians; its compile cost in
 *   evaluations is that time times the round's compiled rate.
 */
import { setFlagsFromString } from 'node:v8';
import jsonLogic from 'json-logic-js';
import { compileRule, compileRules, createOperatorRegistry, registerBusinessOperators, ruleCorpus, businessOperators, type CompiledRule } from '@pipewright/core';
import { vmRuleCompiler } from '../src/rules/compiler';

const { CORPUS_NOW, corpusRules, dealSchema, generateDeals } = ruleCorpus;
type DealRecord = ruleCorpus.DealRecord;

setFlagsFromString('--no-compilation-cache');

const RECORDS = 4000;
/**
 * Records per pass. The whole set: each rule streams over all 4,000 records, as when a segment
 * or a grade is computed over many records. Smaller chunks stay in the CPU cache between rules,
 * which speeds compiled and hand-written code but not json-logic-js (measured: 400-record chunks
 * raise compiled / json-logic-js by ~10% and the compile cost in evaluations with it), so the
 * figure depends on this choice; the benchmark keeps the original one.
 */
const CHUNK = RECORDS;
const ROUNDS = 9;
const ALTERNATIONS = 6;
const TURN_MS = 25;
const WARMUP_MS = 600;
const SPARSE_ROUNDS = 3;

const operators = createOperatorRegistry();
registerBusinessOperators(operators);
const context = { now: () => CORPUS_NOW };
const nowMs = CORPUS_NOW.getTime();
for (const op of businessOperators) jsonLogic.add_operation(op.name, (...args: unknown[]) => op.evaluate(args, context));

let records: DealRecord[] = generateDeals(RECORDS, 42);
const rules = corpusRules.map((c) => c.rule);
const ids = corpusRules.map((c) => c.id);
const compiled: CompiledRule[] = rules.map((rule) => compileRule(rule, { operators, schema: dealSchema, context, compiler: vmRuleCompiler }));
const handwritten = corpusRules.map((c) => c.handwritten);

const score = (v: unknown): number => (v === true ? 1 : v === false ? 2 : typeof v === 'number' ? 3 : 4);

type Contender = 'compiled' | 'jsonlogic' | 'handwritten';
/** One pass of a contender: every rule over records [from, to). */
const passes: Record<Contender, (from: number, to: number) => number> = {
  compiled: (from, to) => {
    let acc = 0;
    for (let i = 0; i < compiled.length; i++) {
      const fn = compiled[i] as CompiledRule;
      for (let j = from; j < to; j++) acc += score(fn(records[j]));
    }
    return acc;
  },
  jsonlogic: (from, to) => {
    let acc = 0;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as jsonLogic.RulesLogic;
      for (let j = from; j < to; j++) acc += score(jsonLogic.apply(rule, records[j]));
    }
    return acc;
  },
  handwritten: (from, to) => {
    let acc = 0;
    for (let i = 0; i < handwritten.length; i++) {
      const fn = handwritten[i] as (r: DealRecord, now: number) => unknown;
      for (let j = from; j < to; j++) acc += score(fn(records[j] as DealRecord, nowMs));
    }
    return acc;
  },
};
const CONTENDERS = Object.keys(passes) as Contender[];

let checksum = 0;
const expected = new Map<string, number>();
const nextChunk: Record<Contender, number> = { compiled: 0, jsonlogic: 0, handwritten: 0 };

/** Evaluations and milliseconds spent. */
interface Spent {
  evals: number;
  ms: number;
}

/** Runs whole passes of `name` (chunk after chunk) for about `ms`; adds to `spent`. */
function turn(name: Contender, ms: number, tag: string, spent: Spent): void {
  const pass = passes[name];
  const chunks = Math.ceil(records.length / CHUNK);
  let evals = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    const chunk = nextChunk[name];
    nextChunk[name] = (chunk + 1) % chunks;
    const from = chunk * CHUNK;
    const to = Math.min(records.length, from + CHUNK);
    const sum = pass(from, to);
    const key = `${tag}:${chunk}`;
    const want = expected.get(key);
    if (want === undefined) expected.set(key, sum);
    else if (want !== sum) throw new Error(`${name} disagrees with the other contenders on chunk ${chunk} (${sum} vs ${want})`);
    checksum += sum;
    evals += rules.length * (to - from);
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  spent.evals += evals;
  spent.ms += elapsed;
}

function warmUp(tag: string): void {
  for (let k = 0; k < 2; k++) for (const name of CONTENDERS) turn(name, WARMUP_MS / 2, tag, { evals: 0, ms: 0 });
}

/** Indices of the corpus's rules by kind: the groups compiled together. */
const byKind = new Map<string, number[]>();
corpusRules.forEach((c, i) => byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), i]));
const groups: number[][] = [...byKind.values()];

let compileTurns = 0;
/**
 * Fresh compilations (and first calls) for about `ms`: each group of rules in one
 * `compileRules` call (each rule's µs sample: the group's time over its size, into
 * `grouped[rule]`), then each rule alone (`compileRule`, into `alone[rule]`).
 */
function compileTurn(ms: number, grouped: number[][], alone: number[][]): void {
  const options = { operators, schema: dealSchema, context, compiler: vmRuleCompiler };
  const start = performance.now();
  do {
    const record = (i: number) => records[(compileTurns * rules.length + i) % records.length];
    for (const group of groups) {
      const t0 = performance.now();
      const fns = compileRules(group.map((i) => rules[i]), options);
      for (let k = 0; k < group.length; k++) checksum += score((fns[k] as CompiledRule)(record(group[k] as number)));
      const us = ((performance.now() - t0) * 1000) / group.length;
      for (const i of group) (grouped[i] as number[]).push(us);
    }
    for (let i = 0; i < rules.length; i++) {
      const t0 = performance.now();
      const fn = compileRule(rules[i], options);
      checksum += score(fn(record(i)));
      (alone[i] as number[]).push((performance.now() - t0) * 1000);
    }
    compileTurns++;
  } while (performance.now() - start < ms);
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
console.log(`rules: ${rules.length}, records: ${records.length} (deterministic, varied), ${CHUNK} per pass`);
console.log(`method: ${ROUNDS} rounds of ${ALTERNATIONS} interleaved turns of ~${TURN_MS} ms per contender and for compiling, order rotated every turn; medians of per-round ratios; V8 compilation cache off; rules compiled by the runtime's compiler (node:vm compileFunction)`);

// Warm-up, including the compiler itself (parser, checker and generator get optimized too).
warmUp('dense');
compileTurn(WARMUP_MS, rules.map(() => []), rules.map(() => []));

const compileSamples: number[][] = rules.map(() => []);
const aloneSamples: number[][] = rules.map(() => []);
const perRound: Array<{ compiled: number; jsonlogic: number; handwritten: number; compileUs: number; aloneUs: number }> = [];
const steps = [...CONTENDERS, 'compile'] as const;
console.log('round   compiled  json-logic  hand-written  (M evals/s)   compile µs/rule   vs json-logic  vs hand-written  compile cost (evals)');
for (let r = 0; r < ROUNDS; r++) {
  const spent: Record<Contender, Spent> = { compiled: { evals: 0, ms: 0 }, jsonlogic: { evals: 0, ms: 0 }, handwritten: { evals: 0, ms: 0 } };
  const roundSamples: number[][] = rules.map(() => []);
  const roundAlone: number[][] = rules.map(() => []);
  for (let a = 0; a < ALTERNATIONS; a++) {
    for (let s = 0; s < steps.length; s++) {
      const step = steps[(s + a + r) % steps.length] as (typeof steps)[number];
      if (step === 'compile') compileTurn(TURN_MS, roundSamples, roundAlone);
      else turn(step, TURN_MS, 'dense', spent[step]);
    }
  }
  roundSamples.forEach((xs, i) => (compileSamples[i] as number[]).push(...xs));
  roundAlone.forEach((xs, i) => (aloneSamples[i] as number[]).push(...xs));
  const rate = (c: Contender): number => (spent[c].evals / spent[c].ms) * 1000;
  const row = { compiled: rate('compiled'), jsonlogic: rate('jsonlogic'), handwritten: rate('handwritten'), compileUs: mean(roundSamples.map(median)), aloneUs: mean(roundAlone.map(median)) };
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
console.log(`compile per rule: mean of per-rule medians ${compileUs.toFixed(1)} µs over ${compileSamples[0]?.length} fresh compilations each (parse + check + codegen + vm compileFunction + first call), in groups of one kind (${groups.map((g) => g.length).join(', ')} rules) per compileRules call`);
const aloneUs = mean(aloneSamples.map((xs) => median(xs)));
const aloneCost = perRound.map((x) => (x.aloneUs / 1e6) * x.compiled);
console.log(`  a rule compiled alone (compileRule): ${aloneUs.toFixed(1)} µs, i.e. ${median(aloneCost).toFixed(0)} evaluations (range ${Math.min(...aloneCost).toFixed(0)}-${Math.max(...aloneCost).toFixed(0)}); grouped / alone ${(compileUs / aloneUs).toFixed(2)}`);
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
  const spent: Record<Contender, Spent> = { compiled: { evals: 0, ms: 0 }, jsonlogic: { evals: 0, ms: 0 }, handwritten: { evals: 0, ms: 0 } };
  for (let a = 0; a < ALTERNATIONS / 2; a++) {
    for (let s = 0; s < CONTENDERS.length; s++) {
      const name = CONTENDERS[(s + a + r) % CONTENDERS.length] as Contender;
      turn(name, TURN_MS, 'sparse', spent[name]);
    }
  }
  for (const name of CONTENDERS) sparse[name].push((spent[name].evals / spent[name].ms) * 1000);
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

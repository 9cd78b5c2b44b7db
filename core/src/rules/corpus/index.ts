/**
 * The shared rule corpus: entity schema, realistic rules with hand-written equivalents, and a
 * deterministic record generator. Used by tests, the benchmark and the studio's round-trip test.
 */
export { dealSchema } from './schema';
export { corpusRules, type CorpusRule } from './rules';
export { CORPUS_NOW, generateDeals, type DealRecord } from './records';

/**
 * The forecast backtest's answer (`GET .../forecast/backtest`, ADR 020), as the runtime half
 * computes it and the studio half draws it: types only, so both halves import them without
 * either bundling the other's code.
 */

/** One origin of a backtest. */
export interface BacktestOrigin {
  origin: string;
  actual: number;
  forecast: number;
  p10: number;
  p90: number;
  baselines: { weighted_pipeline: number; run_rate: number };
}

/** A backtest of the history-based forecast against the two baselines. */
export interface Backtest {
  horizonDays: number;
  origins: BacktestOrigin[];
  mape: { model: number | null; weighted_pipeline: number | null; run_rate: number | null };
  coverage: { inside: number; of: number };
}

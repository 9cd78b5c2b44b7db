/** The backtest of the history-based forecast against the two baselines (ADR 020). */
import { DAY, weightedPipelineAt, wonValueBetween, type DealInput } from './engine';
import { modelForecast } from './stacked';
import type { Backtest, BacktestOrigin } from '../../wire/backtest';

export type { Backtest, BacktestOrigin } from '../../wire/backtest';

/** Mean absolute percentage error, in percent (origins with a zero actual are left out); null when none counts. */
export function mape(pairs: readonly { actual: number; forecast: number }[]): number | null {
  const usable = pairs.filter((p) => p.actual !== 0);
  if (usable.length === 0) return null;
  return (100 * usable.reduce((s, p) => s + Math.abs(p.forecast - p.actual) / Math.abs(p.actual), 0)) / usable.length;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Replays the model and the two baselines at each origin (times in ms). */
export function backtest(deals: readonly DealInput[], origins: readonly number[], horizonDays: number): Backtest {
  const out: BacktestOrigin[] = [];
  for (const origin of origins) {
    const end = origin + horizonDays * DAY;
    const m = modelForecast(deals, origin, horizonDays);
    out.push({
      origin: new Date(origin).toISOString(),
      actual: round2(wonValueBetween(deals, origin, end)),
      forecast: round2(m.forecast),
      p10: round2(m.p10),
      p90: round2(m.p90),
      baselines: { weighted_pipeline: round2(weightedPipelineAt(deals, origin)), run_rate: round2(wonValueBetween(deals, origin - horizonDays * DAY, origin)) },
    });
  }
  const pct = (k: (x: BacktestOrigin) => number) => {
    const v = mape(out.map((x) => ({ actual: x.actual, forecast: k(x) })));
    return v === null ? null : round2(v);
  };
  return {
    horizonDays,
    origins: out,
    mape: { model: pct((x) => x.forecast), weighted_pipeline: pct((x) => x.baselines.weighted_pipeline), run_rate: pct((x) => x.baselines.run_rate) },
    coverage: { inside: out.filter((x) => x.actual >= x.p10 && x.actual <= x.p90).length, of: out.length },
  };
}

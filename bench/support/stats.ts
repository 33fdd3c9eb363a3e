/** Order statistics for benchmark samples. */

/** Linear-interpolated quantile (q in [0, 1]) of the values; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export interface Spread {
  median: number;
  p25: number;
  p75: number;
  n: number;
}

export const spread = (values: readonly number[]): Spread => ({
  median: median(values),
  p25: quantile(values, 0.25),
  p75: quantile(values, 0.75),
  n: values.length,
});

/** Rounds for reporting (keeps 3 significant decimals for small numbers). */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

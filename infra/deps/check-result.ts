/** One part of the dependency check: what failed (the build goes red), what is only reported, and a one-line summary. */
export interface CheckResult {
  name: string;
  failures: string[];
  notes: string[];
  summary: string;
  /** The part could not run here (npm audit without an advisory service): not a failure, said so in `summary`. */
  skipped?: boolean;
}

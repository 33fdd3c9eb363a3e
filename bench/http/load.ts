/** autocannon, bounded in time, for one request shape; throws if more than 1 % of the answers were not 2xx. */
export interface LoadResult {
  /** Mean requests per second over the run. */
  rps: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  durationS: number;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  durationS: number;
  connections: number;
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const r = await autocannon({
    url: opts.url,
    method: opts.method,
    headers: opts.headers,
    body: opts.body,
    duration: opts.durationS,
    connections: opts.connections,
    timeout: 10,
  });
  const result: LoadResult = {
    rps: r.requests.average,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    durationS: r.duration,
  };
  // A few failures under overload are reported; more means the figure is not about successful requests.
  if (result.non2xx + result.errors > Math.max(1, result.requests * 0.01)) {
    throw new Error(`load on ${opts.method} ${opts.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors of ${result.requests}`);
  }
  return result;
}

/**
 * Side-by-side CPU measurement. Every round runs one batch of each variant, in an order rotated from
 * round to round, and records CPU time (process.cpuUsage: user + system, every thread of the process)
 * and wall time per operation. Ratios are taken per round (variant ÷ baseline of the same round) and
 * summarized by their median, so slow drifts and other processes' load cancel out.
 *
 * A variant's `run(n)` performs n operations; its optional `settle()` is timed with the batch and waits
 * for the asynchronous work the batch caused (an audit flush), so that CPU is not left out.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { median, spread, type Spread } from './stats';

export interface Variant {
  name: string;
  /** Operations per batch. */
  ops: number;
  run(n: number): void | Promise<void>;
  settle?(): Promise<void>;
  /** Untimed warm-up of the same code (default: `run`); variants that consume their inputs warm up on copies. */
  warm?(n: number): void | Promise<void>;
}

export interface VariantSamples {
  /** CPU µs per operation, one value per round. */
  cpuUs: number[];
  /** Wall µs per operation, one value per round. */
  wallUs: number[];
}

export type Samples = Record<string, VariantSamples>;

export interface InterleaveOptions {
  rounds: number;
  /**
   * Operations of each variant before any timing, so every path runs optimized code (aws-jwt-verify, for
   * one, needs a few thousand verifications to reach its steady state).
   */
  warmupOps: number;
  /** Untimed rounds after that (caches, connections, the rotation itself). */
  warmupRounds: number;
}

async function timeBatch(v: Variant): Promise<{ cpuUs: number; wallUs: number }> {
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  const r = v.run(v.ops);
  if (r) await r;
  if (v.settle) await v.settle();
  const w1 = process.hrtime.bigint();
  const c = process.cpuUsage(c0);
  return { cpuUs: (c.user + c.system) / v.ops, wallUs: Number(w1 - w0) / 1000 / v.ops };
}

export async function interleave(variants: Variant[], opts: InterleaveOptions): Promise<Samples> {
  const samples: Samples = Object.fromEntries(variants.map((v) => [v.name, { cpuUs: [], wallUs: [] }]));
  for (const v of variants) {
    for (let done = 0; done < opts.warmupOps; done += v.ops) {
      const n = Math.min(v.ops, opts.warmupOps - done);
      const r = v.warm ? v.warm(n) : v.run(n);
      if (r) await r;
      if (v.settle) await v.settle();
      await yieldToLoop();
    }
  }
  for (let round = 0; round < opts.warmupRounds + opts.rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(round + k) % variants.length];
      const t = await timeBatch(v);
      if (round >= opts.warmupRounds) {
        samples[v.name].cpuUs.push(t.cpuUs);
        samples[v.name].wallUs.push(t.wallUs);
      }
      await yieldToLoop(); // untimed: let I/O started by the batch move on
    }
  }
  return samples;
}

/** Per-round ratio of two variants' CPU time (numerator ÷ denominator), summarized. */
export function ratio(samples: Samples, numerator: string, denominator: string): Spread {
  const a = samples[numerator].cpuUs;
  const b = samples[denominator].cpuUs;
  return spread(a.map((x, i) => x / b[i]));
}

/** Median CPU and wall µs per operation of a variant. */
export function perOp(samples: Samples, name: string): { cpuUs: number; wallUs: number } {
  return { cpuUs: median(samples[name].cpuUs), wallUs: median(samples[name].wallUs) };
}

/**
 * The V8 sampling profiler around one piece of work, through node:inspector: the same profiler and the same
 * .cpuprofile format as `node --cpu-prof`, but covering only the measured loop (not setup or token minting).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { CpuProfile } from '../report/profile-summary';

const post = <T>(session: Session, method: string, params?: object) =>
  new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));

/** Profiles `work` (sampling every intervalUs) and writes the profile to `file` when given. */
export async function profile(work: () => Promise<void>, opts: { intervalUs?: number; file?: string } = {}): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: opts.intervalUs ?? 100 });
    await post(session, 'Profiler.start');
    let failure: unknown;
    try {
      await work();
    } catch (err) {
      failure = err ?? new Error('profiled work failed');
    }
    const { profile: p } = await post<{ profile: CpuProfile }>(session, 'Profiler.stop');
    if (failure) throw failure;
    if (opts.file) writeFileSync(opts.file, JSON.stringify(p));
    return p;
  } finally {
    session.disconnect();
  }
}

/** Command-line options of `npm run bench`. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../infra/serverless-config';

export interface CliOptions {
  quick: boolean;
  /** latest.json path. */
  out: string;
  /** BENCHMARKS.md path, or undefined for none. */
  markdown?: string;
  /** Where .cpuprofile files go. */
  profileDir: string;
  profiles: boolean;
  /** Only re-render BENCHMARKS.md from the results JSON (after editing bench/analysis.md). */
  renderOnly: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [--out FILE] [--md FILE | --no-md] [--no-profile] [--render]
  --quick        the same harness in seconds: fewer rounds, esbuild instead of serverless package,
                 no local stack, no profiles; writes ${join('<tmp>', 'portcullis-bench-quick.json')} unless --out
  --out FILE     results JSON (default bench/results/latest.json; quick: a temporary file)
  --md FILE      BENCHMARKS.md to write (default BENCHMARKS.md; quick: none)
  --no-md        do not write BENCHMARKS.md
  --no-profile   skip the CPU profiles of the full run
  --render       run nothing: rewrite BENCHMARKS.md from the results JSON (after editing bench/analysis.md)`;

export function parseArgs(argv: string[]): CliOptions {
  const quick = argv.includes('--quick');
  const opts: CliOptions = {
    quick,
    out: quick ? join(tmpdir(), 'portcullis-bench-quick.json') : join(REPO_ROOT, 'bench', 'results', 'latest.json'),
    markdown: quick ? undefined : join(REPO_ROOT, 'BENCHMARKS.md'),
    profileDir: join(REPO_ROOT, 'bench', 'results'),
    profiles: !quick,
    renderOnly: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--quick') continue;
    else if (a === '--out') opts.out = value();
    else if (a === '--md') opts.markdown = value();
    else if (a === '--no-md') opts.markdown = undefined;
    else if (a === '--no-profile') opts.profiles = false;
    else if (a === '--render') opts.renderOnly = true;
    else if (a === '--help' || a === '-h') opts.help = true;
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return opts;
}

/**
 * `npm run bench [-- --quick]`: runs the harness, prints the table, writes the results JSON and BENCHMARKS.md.
 * Exit code 0 even when a goal is missed (the report says so); 1 when the harness itself failed.
 */
import '../testkit/env';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '../infra/serverless-config';
import { runBench } from './harness';
import { parseArgs, USAGE, type CliOptions } from './options';
import { renderMarkdown } from './report/markdown';
import { formatTable } from './report/table';
import type { BenchResults } from './results';

export const ANALYSIS_FILE = join(REPO_ROOT, 'bench', 'analysis.md');

/** Runs the harness and writes its outputs; returns the results (the quick test calls this). */
export async function main(opts: CliOptions, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<BenchResults> {
  const results = await runBench({ quick: opts.quick, log, profileDir: opts.profiles ? opts.profileDir : undefined, plan: opts.profiles ? undefined : { profiles: false } });
  mkdirSync(dirname(resolve(opts.out)), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${opts.out}`);
  if (opts.markdown) {
    writeFileSync(opts.markdown, renderMarkdown(results, ANALYSIS_FILE));
    log(`wrote ${opts.markdown}`);
  }
  return results;
}

if (require.main === module) {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (opts.renderOnly) {
    if (!opts.markdown) {
      process.stderr.write('--render needs a BENCHMARKS.md to write (not --no-md)\n');
      process.exit(2);
    }
    writeFileSync(opts.markdown, renderMarkdown(JSON.parse(readFileSync(opts.out, 'utf8')) as BenchResults, ANALYSIS_FILE));
    process.stderr.write(`wrote ${opts.markdown} from ${opts.out}\n`);
    process.exit(0);
  }
  main(opts).then(
    (results) => {
      process.stdout.write(`${formatTable(results)}\n`);
      // Clients of the backends may hold keep-alive sockets; the run is over.
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`benchmark failed: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}

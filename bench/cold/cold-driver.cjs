'use strict';
/**
 * One cold start of a bundled function, in a fresh node process (plain JavaScript: nothing loaded before
 * the bundle but node itself). Times `require` of the bundle and the first invocation, checks the answer,
 * prints one `BENCH_RESULT {...}` line and exits.
 *   BENCH_BUNDLE   absolute path of the bundled handler file
 *   BENCH_HANDLER  exported handler name
 *   BENCH_EVENT    the event, JSON
 *   BENCH_EXPECT   `allow` (authorizer policy with an Allow statement) or `200` (HTTP status)
 */
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const mod = require(process.env.BENCH_BUNDLE);
const t1 = performance.now();

function ok(result) {
  if (process.env.BENCH_EXPECT === 'allow') {
    const statements = (result && result.policyDocument && result.policyDocument.Statement) || [];
    // an Allow decision: allowed statements and no explicit Deny (a 403 answer carries one)
    return statements.some((s) => s.Effect === 'Allow') && !statements.some((s) => s.Effect === 'Deny');
  }
  return Boolean(result) && result.statusCode === 200;
}

const context = { awsRequestId: 'bench-cold', functionName: 'bench', getRemainingTimeInMillis: () => 6000 };
Promise.resolve()
  .then(() => mod[process.env.BENCH_HANDLER](JSON.parse(process.env.BENCH_EVENT), context))
  .then(
    (result) => ({ result, error: undefined }),
    (error) => ({ result: undefined, error: String((error && error.message) || error) }),
  )
  .then(({ result, error }) => {
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const line = {
      bootMs: t0,
      requireMs: t1 - t0,
      firstCallMs: t2 - t1,
      totalMs: t2 - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      ok: !error && ok(result),
      error,
      status: result && result.statusCode,
    };
    process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(line)}\n`, () => process.exit(0));
  });

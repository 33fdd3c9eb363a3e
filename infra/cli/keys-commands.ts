/**
 * `keys` commands of the admin CLI (npm run --silent admin -- keys ...):
 *   keys init [--json]                 the stage's first key, once (after the first deploy): registers the
 *                                      stack's KMS key as active (a file key locally); does nothing if a key is active
 *   keys list [--json]                 every key: kid, alg, source, state, dates
 *   keys rotate [--now] [--force] [--json]
 *                                      new key, published now, signing after the publish lead
 *                                      (--now: at once; --force: even if a rotation is pending)
 *   keys retire KID [--json]           withdraw a non-active key at once (compromise)
 * argv may start with "keys". With --json the last stdout line is one JSON object.
 * Exit codes: 0 done, 1 refused or failed, 2 usage.
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { AuditSink } from '../../lib/audit/types';
import type { Clock } from '../../lib/core/clock';
import type { Config } from '../../lib/config/types';
import { initKeys } from '../../lib/keys/init-keys';
import { listKeys, retireKey, rotateKeys } from '../../lib/keys/rotation';
import type { ScheduledKey } from '../../lib/keys/schedule';
import type { KeyStore } from '../../lib/stores/ports';
import { keyTimings } from '../../lib/keys/timings';

export interface KeysCommandContext {
  config: Config;
  keyStore: KeyStore;
  kms?: KMSClient;
  clock?: Clock;
  json: boolean;
  out: (line: string) => void;
  /** Error lines (default: stderr). */
  err?: (line: string) => void;
  audit?: AuditSink;
  actor?: string;
}

export const KEYS_USAGE = `usage: keys init | keys list | keys rotate [--now] [--force] | keys retire KID   [--json]`;

const iso = (seconds: number | undefined): string | null => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());

export function describeKey(k: ScheduledKey) {
  return {
    kid: k.record.kid,
    alg: k.record.alg,
    source: k.record.source,
    ref: k.record.ref,
    state: k.state,
    published: k.published,
    created_at: iso(k.record.createdAt),
    activates_at: iso(k.activatesAt),
    deactivates_at: iso(k.deactivatesAt),
    retires_at: iso(k.retiresAt),
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

function parse(argv: string[]) {
  const args = argv[0] === 'keys' ? argv.slice(1) : argv;
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const positionals = args.filter((a) => !a.startsWith('--'));
  return { sub: positionals[0], rest: positionals.slice(1), flags };
}

export async function runKeysCommand(argv: string[], ctx: KeysCommandContext): Promise<number> {
  const err = ctx.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { sub, rest, flags } = parse(argv);
  const json = ctx.json || flags.has('--json');
  const known: Record<string, string[]> = { init: ['--json'], list: ['--json'], rotate: ['--json', '--now', '--force'], retire: ['--json'] };
  if (!sub || !(sub in known)) {
    err(sub ? `unknown keys command "${sub}"\n${KEYS_USAGE}` : KEYS_USAGE);
    return 2;
  }
  const unknown = [...flags].find((f) => !known[sub].includes(f));
  if (unknown || (sub === 'retire' ? rest.length !== 1 : rest.length !== 0)) {
    err(`${unknown ? `unknown option ${unknown}` : `wrong arguments for keys ${sub}`}\n${KEYS_USAGE}`);
    return 2;
  }
  const deps = { keyStore: ctx.keyStore, kms: ctx.kms, clock: ctx.clock, audit: ctx.audit, actor: ctx.actor };
  try {
    if (sub === 'init') {
      const { record, created } = await initKeys(ctx.config, deps);
      const summary = { kid: record.kid, alg: record.alg, source: record.source, ref: record.ref, state: 'active', created };
      const desc = `${record.kid} (${record.alg}, ${record.source})`;
      if (json) ctx.out(JSON.stringify(summary));
      else if (!created) ctx.out(`nothing to do: key ${desc} is already active`);
      else ctx.out(`key ${desc} is active: the token and JWKS endpoints use it within ${keyTimings(ctx.config).cacheSeconds} s`);
      return 0;
    }
    if (sub === 'list') {
      const keys = await listKeys(ctx.config, deps);
      if (json) ctx.out(JSON.stringify({ keys: keys.map(describeKey) }));
      else if (keys.length === 0) ctx.out('no signing keys yet: run `keys init` (`npm start` does it for the local stack)');
      else {
        const rows = [['KID', 'ALG', 'SOURCE', 'STATE', 'ACTIVATES', 'DEACTIVATES', 'RETIRES']];
        for (const k of keys.map(describeKey)) {
          rows.push([k.kid, k.alg, k.source, k.state, k.activates_at ?? '-', k.deactivates_at ?? '-', k.retires_at ?? '-']);
        }
        for (const line of table(rows)) ctx.out(line);
      }
      return 0;
    }
    if (sub === 'rotate') {
      const r = await rotateKeys(ctx.config, deps, { immediate: flags.has('--now'), force: flags.has('--force') });
      const summary = {
        kid: r.key.kid,
        alg: r.key.alg,
        source: r.key.source,
        ref: r.key.ref,
        state: r.key.state,
        activates_at: iso(r.activatesAt),
        previous_kid: r.previous?.kid ?? null,
        previous_retires_at: iso(r.previous?.retiresAt),
      };
      if (json) ctx.out(JSON.stringify(summary));
      else {
        ctx.out(`new key ${r.key.kid} (${r.key.alg}, ${r.key.source}) is published now and signs from ${summary.activates_at}`);
        if (r.previous) ctx.out(`key ${r.previous.kid} keeps verifying until ${summary.previous_retires_at}, then leaves the JWKS`);
      }
      return 0;
    }
    const record = await retireKey(ctx.config, deps, rest[0]);
    if (json) ctx.out(JSON.stringify({ kid: record.kid, state: 'retired', retired_at: iso(record.retiredAt) }));
    else ctx.out(`key ${record.kid} is retired: it no longer signs and has left the JWKS`);
    return 0;
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    err(`error: ${(e as Error).message}${cause instanceof Error ? ` (${cause.message})` : ''}`);
    return 1;
  }
}

/**
 * A bounded, loopback-only load run against a running portcullis stack: issue (POST /oauth2/token),
 * authorize (GET <route> with the Bearer token, through the authorizer) and revoke (POST /oauth2/revoke)
 * concurrently for a fixed time, every request recorded. `checkLoadInvariants` then checks what must hold
 * after such a run. Used by test/load/load.test.ts (a few seconds, in `npm test`) and by the benchmark
 * (the same run, longer). No jest import here.
 */
import { readFileSync } from 'node:fs';

export interface LoadClient {
  clientId: string;
  secret: string;
}

export interface LoadOptions {
  /** Base URL of the stack; must be a loopback address. */
  url: string;
  clients: LoadClient[];
  durationMs: number;
  /** Concurrent workers per kind. */
  workers?: { issue?: number; authorize?: number; revoke?: number };
  /** Protected route the authorize workers call (default GET /demo/data) and the scope they ask for. */
  path?: string;
  scope?: string;
  /** Pause of each revoke worker between two revokes (default 100 ms): only some tokens get revoked. */
  revokePauseMs?: number;
  /** Share of authorize calls made with a token already revoked (default 0.3). */
  revokedShare?: number;
  /**
   * After the run, wait this long (the revocation staleness bound) and call the route once more with every
   * revoked token (default 0: no settle phase).
   */
  settleMs?: number;
  /** Before the clock starts, bring every function up (cold starts, the authorizer's JWKS) and wait for a first allow (default true). */
  warmUp?: boolean;
}

export type LoadKind = 'issue' | 'authorize' | 'revoke';

export interface LoadRecord {
  kind: LoadKind;
  /** Epoch ms (this process's clock) when the request was sent and when its answer was complete. */
  start: number;
  end: number;
  /** HTTP status; 0 when the request itself failed (connection error). */
  status: number;
  clientId: string;
  /** The token issued, used or revoked. */
  jti?: string;
  /** The settle phase's calls. */
  settle?: boolean;
}

export interface IssuedToken {
  token: string;
  jti: string;
  clientId: string;
}

export interface LoadReport {
  startedAt: number;
  endedAt: number;
  records: LoadRecord[];
  issued: IssuedToken[];
  /** jti → epoch ms at which its revoke's 200 answer was complete. */
  revokedAt: Map<string, number>;
  /** Requests per second over the run (settle phase excluded). */
  rps: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const jtiOf = (token: string): string => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).jti;
const basic = (c: LoadClient) => `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.secret)}`).toString('base64')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One token, the route called until it allows (the authorizer's cold start fetches the JWKS, whose own function
 * may be cold too), one revoke: none of it recorded. Throws if the route never allows within `timeoutMs`.
 */
export async function warmUp(opts: Pick<LoadOptions, 'url' | 'clients' | 'path' | 'scope'>, timeoutMs = 60_000): Promise<void> {
  const base = new URL(opts.url).origin;
  const client = opts.clients[0];
  const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) };
  const deadline = Date.now() + timeoutMs;
  await fetch(`${base}/.well-known/jwks.json`).then((r) => r.arrayBuffer());
  let token: string | undefined;
  for (let status = 0; status !== 200; ) {
    if (Date.now() > deadline) throw new Error(`warm-up: the stack did not allow a fresh token within ${timeoutMs} ms (last status ${status})`);
    if (!token) {
      const res = await fetch(`${base}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams({ grant_type: 'client_credentials', ...(opts.scope ? { scope: opts.scope } : {}) }) });
      if (res.status === 200) token = ((await res.json()) as { access_token: string }).access_token;
      else await res.arrayBuffer();
    }
    if (token) {
      const res = await fetch(`${base}${opts.path ?? '/demo/data'}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      status = res.status;
    }
    if (status !== 200) await sleep(500);
  }
  const revoked = await fetch(`${base}/oauth2/revoke`, { method: 'POST', headers, body: new URLSearchParams({ token: token! }) });
  await revoked.arrayBuffer();
}

export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const base = new URL(opts.url);
  if (!LOOPBACK.has(base.hostname)) throw new Error(`runLoad only targets loopback addresses, not ${base.hostname}`);
  if (opts.clients.length === 0) throw new Error('runLoad needs at least one client');
  if (opts.warmUp ?? true) await warmUp(opts);
  const path = opts.path ?? '/demo/data';
  const workers = { issue: 2, authorize: 3, revoke: 1, ...opts.workers };
  const revokedShare = opts.revokedShare ?? 0.3;
  const records: LoadRecord[] = [];
  const issued: IssuedToken[] = [];
  const live: IssuedToken[] = [];
  const revoked: IssuedToken[] = [];
  const revokedAt = new Map<string, number>();
  const startedAt = Date.now();
  const deadline = startedAt + opts.durationMs;
  let turn = 0;

  async function send(kind: LoadKind, client: LoadClient, init: RequestInit & { url: string }, jti?: string, settle?: boolean): Promise<{ record: LoadRecord; body: string }> {
    const start = Date.now();
    let status = 0;
    let body = '';
    try {
      const res = await fetch(init.url, init);
      body = await res.text();
      status = res.status;
    } catch {
      // recorded as status 0
    }
    const record: LoadRecord = { kind, start, end: Date.now(), status, clientId: client.clientId, jti, ...(settle ? { settle } : {}) };
    records.push(record);
    return { record, body };
  }

  const form = (client: LoadClient, body: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
    body: new URLSearchParams(body).toString(),
  });

  async function issueWorker() {
    while (Date.now() < deadline) {
      const client = opts.clients[turn++ % opts.clients.length];
      const { record, body } = await send('issue', client, { url: `${base.origin}/oauth2/token`, ...form(client, { grant_type: 'client_credentials', ...(opts.scope ? { scope: opts.scope } : {}) }) });
      if (record.status === 200) {
        const token = (JSON.parse(body) as { access_token: string }).access_token;
        const t = { token, jti: jtiOf(token), clientId: client.clientId };
        record.jti = t.jti;
        issued.push(t);
        live.push(t);
      }
    }
  }

  const pick = <T>(list: T[]): T | undefined => list[Math.floor(Math.random() * list.length)];
  const clientOf = (t: IssuedToken) => opts.clients.find((c) => c.clientId === t.clientId)!;

  async function authorize(t: IssuedToken, settle?: boolean) {
    await send('authorize', clientOf(t), { url: `${base.origin}${path}`, method: 'GET', headers: { authorization: `Bearer ${t.token}` } }, t.jti, settle);
  }

  async function authorizeWorker() {
    while (Date.now() < deadline) {
      const t = (revoked.length > 0 && Math.random() < revokedShare ? pick(revoked) : undefined) ?? pick(live);
      if (!t) {
        await sleep(10);
        continue;
      }
      await authorize(t);
    }
  }

  async function revokeWorker() {
    while (Date.now() < deadline) {
      // Revoke a token that has been around a little (the authorize workers have used it).
      const t = live.length > 4 ? live.splice(Math.floor(Math.random() * (live.length - 4)), 1)[0] : undefined;
      if (t) {
        const { record } = await send('revoke', clientOf(t), { url: `${base.origin}/oauth2/revoke`, ...form(clientOf(t), { token: t.token, token_type_hint: 'access_token' }) }, t.jti);
        if (record.status === 200) {
          revokedAt.set(t.jti, record.end);
          revoked.push(t);
        } else live.push(t);
      }
      await sleep(opts.revokePauseMs ?? 100);
    }
  }

  await Promise.all([
    ...Array.from({ length: workers.issue }, issueWorker),
    ...Array.from({ length: workers.authorize }, authorizeWorker),
    ...Array.from({ length: workers.revoke }, revokeWorker),
  ]);
  const endedAt = Date.now();
  const rps = (records.length * 1000) / Math.max(1, endedAt - startedAt);

  if (opts.settleMs && revoked.length > 0) {
    const lastRevoke = Math.max(...revokedAt.values());
    await sleep(Math.max(0, lastRevoke + opts.settleMs - Date.now()));
    for (const t of revoked) await authorize(t, true);
  }
  return { startedAt, endedAt, records, issued, revokedAt, rps };
}

export interface InvariantOptions {
  /** After a revoke answered 200, how long an authorizer may still allow the token (the staleness bound). */
  revocationBoundMs: number;
  /** The stack's audit log (JSON lines); when given, its event counts must match the requests. */
  auditFile?: string;
}

/** Each broken invariant as one line; an empty list means the run kept every promise. */
export function checkLoadInvariants(report: LoadReport, opts: InvariantOptions): string[] {
  const problems: string[] = [];
  const { records, issued, revokedAt } = report;

  // 1. Every issued token is distinct (and so is its jti).
  if (new Set(issued.map((t) => t.token)).size !== issued.length) problems.push('a token was issued twice');
  if (new Set(issued.map((t) => t.jti)).size !== issued.length) problems.push('a jti was issued twice');

  // 2. No request failed server-side (or at all).
  for (const r of records) if (r.status >= 500 || r.status === 0) problems.push(`${r.kind} answered ${r.status || 'nothing (connection error)'} at +${r.start - report.startedAt} ms`);

  // 3. No decision allowed a token once its revoke had answered 200 and the staleness bound had passed.
  for (const r of records) {
    if (r.kind !== 'authorize' || r.jti === undefined) continue;
    const at = revokedAt.get(r.jti);
    if (at === undefined || r.start < at + opts.revocationBoundMs) continue;
    if (r.status === 200) problems.push(`a revoked token was allowed ${r.start - at} ms after its revoke returned 200 (bound ${opts.revocationBoundMs} ms)`);
    else if (r.status !== 401) problems.push(`a revoked token got ${r.status} instead of 401`);
  }

  // 4. The audit trail has one event per request, by kind and outcome (the run's requests are the only traffic from startedAt on).
  if (opts.auditFile) {
    const events = readFileSync(opts.auditFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; client_id?: string; jti?: string; time: string; outcome: string })
      .filter((e) => Date.parse(e.time) >= report.startedAt);
    const count = (pred: (e: (typeof events)[number]) => boolean) => events.filter(pred).length;
    const expected: Array<[string, number, number]> = [
      ['token.issued', records.filter((r) => r.kind === 'issue' && r.status === 200).length, count((e) => e.event === 'token.issued')],
      ['token.denied', records.filter((r) => r.kind === 'issue' && r.status !== 200).length, count((e) => e.event === 'token.denied')],
      ['authz.allowed', records.filter((r) => r.kind === 'authorize' && r.status === 200).length, count((e) => e.event === 'authz.allowed')],
      ['authz.denied', records.filter((r) => r.kind === 'authorize' && r.status !== 200).length, count((e) => e.event === 'authz.denied')],
      ['token.revoked', records.filter((r) => r.kind === 'revoke').length, count((e) => e.event === 'token.revoked')],
      ['all', records.length, events.length],
    ];
    for (const [name, want, got] of expected) if (want !== got) problems.push(`audit: ${got} ${name} events for ${want} requests`);
    // The server's own view of invariant 3.
    for (const e of events) {
      if (e.event !== 'authz.allowed' || e.jti === undefined) continue;
      const at = revokedAt.get(e.jti);
      if (at !== undefined && Date.parse(e.time) >= at + opts.revocationBoundMs) problems.push(`audit: authz.allowed for a revoked token ${Date.parse(e.time) - at} ms after its revoke`);
    }
  }
  return problems;
}

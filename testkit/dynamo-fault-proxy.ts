/**
 * A tiny HTTP proxy in front of dynalite that injects DynamoDB faults on the wire, so the real SDK client
 * (createDynamoClient: requestTimeout, throwOnRequestTimeout, 2 attempts) meets them as in production:
 *   down       every connection is cut (ECONNRESET / refused), as an unreachable endpoint
 *   hang       the request is read and never answered (the client's timeout must end it)
 *   throttle   400 ProvisionedThroughputExceededException (JSON 1.0 error body, as DynamoDB sends it)
 *   error500   500 InternalServerError
 * `operations` limits a fault to some X-Amz-Target operations (GetItem, UpdateItem, Query, …), and `bodyIncludes`
 * to requests whose JSON body contains a string (e.g. a key prefix: `revocation#` fails only revocation writes).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type DynamoFault = 'down' | 'hang' | 'throttle' | 'error500';

export interface DynamoFaultProxy {
  endpoint: string;
  /** Operations that reached the proxy (faulted ones included), in order. */
  calls: string[];
  fail(fault: DynamoFault, opts?: { operations?: string[]; bodyIncludes?: string }): void;
  heal(): void;
  close(): Promise<void>;
}

const ERRORS: Record<'throttle' | 'error500', { status: number; type: string; message: string }> = {
  throttle: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  error500: { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
};

export async function startDynamoFaultProxy(target: string): Promise<DynamoFaultProxy> {
  let fault: { kind: DynamoFault; operations?: string[]; bodyIncludes?: string } | undefined;
  const calls: string[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? '?').split('.').pop()!;
    calls.push(op);
    const byOperation = fault && (!fault.operations || fault.operations.includes(op)) ? fault : undefined;
    if (byOperation?.bodyIncludes === undefined) {
      handle(req, res, byOperation?.kind);
      return;
    }
    // The body decides: read it, then fault or forward it.
    const needle = byOperation.bodyIncludes;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      handle(req, res, body.toString('utf8').includes(needle) ? byOperation.kind : undefined, body);
    });
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse, f: DynamoFault | undefined, body?: Buffer): void {
    if (f === 'down') {
      req.socket.destroy();
      return;
    }
    if (f === 'hang') {
      hanging.add(res);
      req.resume();
      return;
    }
    if (f === 'throttle' || f === 'error500') {
      const answer = () => {
        const e = ERRORS[f];
        const payload = JSON.stringify({ __type: e.type, message: e.message });
        res.writeHead(e.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-${calls.length}`, 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      };
      if (body) answer();
      else {
        req.resume();
        req.on('end', answer);
      }
      return;
    }
    const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    fail(kind, opts = {}) {
      fault = { kind, operations: opts.operations, bodyIncludes: opts.bodyIncludes };
      // Kept-alive connections would otherwise carry on as if nothing happened.
      if (kind === 'down') for (const s of sockets) s.destroy();
    },
    heal() {
      fault = undefined;
      for (const r of hanging) r.destroy();
      hanging.clear();
    },
    async close() {
      for (const r of hanging) r.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

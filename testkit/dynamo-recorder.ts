/**
 * An HTTP proxy in front of dynalite that records every DynamoDB request as IAM sees it: the action, the
 * table or index, and the partition key value(s) it names (what `dynamodb:LeadingKeys` holds).
 * One recorder per function gives each function's requests apart.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoRequest } from './iam-policy';

type Attr = { S?: string };
interface Body {
  IndexName?: string;
  Key?: Record<string, Attr>;
  Item?: Record<string, Attr>;
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, Attr>;
  ExpressionAttributeNames?: Record<string, string>;
  RequestItems?: Record<string, { Keys?: Array<Record<string, Attr>> }>;
}

/** The partition key values of one request (table: `pk`; the `feed` index: `gsi1pk`). */
function leadingKeys(action: string, body: Body): string[] {
  switch (action) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [body.Key?.pk?.S ?? '?'];
    case 'PutItem':
      return [body.Item?.pk?.S ?? '?'];
    case 'BatchGetItem':
      return Object.values(body.RequestItems ?? {}).flatMap((r) => (r.Keys ?? []).map((k) => k.pk?.S ?? '?'));
    case 'Query': {
      const hash = body.IndexName ? 'gsi1pk' : 'pk';
      for (const [, name, placeholder] of (body.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
        if ((body.ExpressionAttributeNames?.[name] ?? name) === hash) return [body.ExpressionAttributeValues?.[placeholder]?.S ?? '?'];
      }
      return ['?'];
    }
    default:
      return [];
  }
}

export interface DynamoRecorder {
  endpoint: string;
  requests: DynamoRequest[];
  close(): Promise<void>;
}

export async function startDynamoRecorder(target: string): Promise<DynamoRecorder> {
  const requests: DynamoRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const action = String(req.headers['x-amz-target'] ?? '?').split('.').pop()!;
      let body: Body = {};
      try {
        body = JSON.parse(raw.toString('utf8') || '{}') as Body;
      } catch {
        // recorded with no keys
      }
      requests.push({ action, target: body.IndexName ? `index/${body.IndexName}` : 'table', leadingKeys: leadingKeys(action, body) });
      const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A small AWS Lambda control-plane server speaking the REST-JSON wire protocol, for tests that use the real SDK
 * client (@aws-sdk/client-lambda): GetFunctionConfiguration (`GET /2015-03-31/functions/{name}/configuration`)
 * for the functions it is given, ResourceNotFoundException for the others. It records every request.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFunction {
  /** LoggingConfig as Lambda reports it (absent: a function never configured, Text format, /aws/lambda/<name>). */
  LoggingConfig?: { LogFormat?: string; LogGroup?: string; ApplicationLogLevel?: string; SystemLogLevel?: string };
  Runtime?: string;
}

export class FakeLambda {
  readonly requests: { method: string; path: string }[] = [];
  readonly functions = new Map<string, FakeFunction>();
  endpoint = '';
  private server!: Server;
  private readonly clients: LambdaClient[] = [];

  static async start(): Promise<FakeLambda> {
    const fake = new FakeLambda();
    fake.server = createServer((req, res) => {
      fake.requests.push({ method: req.method ?? '', path: req.url ?? '' });
      req.resume();
      const m = /^\/2015-03-31\/functions\/([^/]+)\/configuration(?:\?.*)?$/.exec(req.url ?? '');
      const send = (status: number, body: unknown, type?: string) => {
        const data = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(type ? { 'x-amzn-errortype': type } : {}) });
        res.end(data);
      };
      if (req.method !== 'GET' || !m) return send(404, { Type: 'User', message: `unsupported ${req.method} ${req.url}` }, 'UnknownOperationException');
      const name = decodeURIComponent(m[1]);
      const fn = fake.functions.get(name);
      if (!fn) return send(404, { Type: 'User', Message: `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}` }, 'ResourceNotFoundException');
      send(200, {
        FunctionName: name,
        FunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
        Runtime: fn.Runtime ?? 'nodejs22.x',
        LoggingConfig: fn.LoggingConfig ?? { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
      });
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** A real LambdaClient pointed at this server (one attempt). */
  client(): LambdaClient {
    const c = new LambdaClient({ region: 'us-east-1', endpoint: this.endpoint, maxAttempts: 1 });
    this.clients.push(c);
    return c;
  }

  set(name: string, fn: FakeFunction): void {
    this.functions.set(name, fn);
  }

  async close(): Promise<void> {
    for (const c of this.clients.splice(0)) c.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

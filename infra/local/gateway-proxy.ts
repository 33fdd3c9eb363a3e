/**
 * Local stand-in for what API Gateway does after a Lambda authorizer and serverless-offline do not:
 * the REST API's gateway responses (infra/serverless/gateway-responses.yml). A 401 or 403 that the
 * authorizer caused on a REST route gets the status, headers and body those gateway responses define.
 * HTTP API routes pass through unchanged, as on AWS (HTTP APIs have no gateway responses). A request no route declares
 * gets API Gateway's answer (403 Missing Authentication Token; 404 on an HTTP API path). It also serves the local
 * pages (local-pages.ts: /openapi.yaml and /docs).
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { RouteRule } from '../../lib/config/types';
import { REPO_ROOT, type DeclaredRoute } from '../serverless-config';
import { serveLocalPage } from './local-pages';

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface GatewayResponses {
  /** 401: the authorizer threw Unauthorized, or no identity source. */
  UNAUTHORIZED: GatewayResponse;
  /** 403: the authorizer returned Deny; `{scope}` is replaced by the route's required scopes (context.authorizer.wwwAuthenticate on AWS). */
  ACCESS_DENIED: GatewayResponse;
}

export interface ProxyOptions {
  port: number;
  upstream: string;
  routes: RouteRule[];
  apiRoutes: DeclaredRoute[];
  responses: GatewayResponses;
}

const toRegex = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/]+?\\\+\}/g, '.+').replace(/\{[^/]+?\}/g, '[^/]+')}$`);

function findRoute<T extends { method: string; path: string }>(list: T[], method: string, path: string): T | undefined {
  return list.find((r) => (r.method === method || r.method === 'ANY') && toRegex(r.path).test(path));
}

export function startGatewayProxy(opts: ProxyOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // Only the path and query go upstream: an absolute-form target (`GET http://other-host/…`) is not followed.
      const raw = req.url ?? '/';
      if (!raw.startsWith('/')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"message":"Bad Request"}');
        return;
      }
      // The local stack's own pages (GET /openapi.yaml, /docs): never forwarded, never deployed.
      if (serveLocalPage(req, res)) return;
      const target = new URL(opts.upstream);
      const parsed = new URL(raw, 'http://local');
      target.pathname = parsed.pathname;
      target.search = parsed.search;
      // A method or path no function declares never reaches one, as on AWS: the REST API answers 403 Missing
      // Authentication Token, the HTTP API 404 (serverless-offline's own 404 lists every route: not what AWS says).
      const routed = findRoute(opts.apiRoutes, (req.method ?? 'GET').toUpperCase(), parsed.pathname);
      if (!routed) {
        const httpApi = opts.apiRoutes.some((r) => r.api === 'http' && toRegex(r.path).test(parsed.pathname));
        res.writeHead(httpApi ? 404 : 403, { 'content-type': 'application/json' });
        res.end(httpApi ? '{"message":"Not Found"}' : '{"message":"Missing Authentication Token"}');
        return;
      }
      const up = httpRequest(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (upRes) => {
          const upChunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => upChunks.push(c));
          upRes.on('end', () => {
            const method = (req.method ?? 'GET').toUpperCase();
            const path = target.pathname;
            const declared = findRoute(opts.apiRoutes, method, path);
            const status = upRes.statusCode ?? 502;
            if (declared?.api === 'rest' && declared.authorizer && (status === 401 || status === 403)) {
              const gr = status === 401 ? opts.responses.UNAUTHORIZED : opts.responses.ACCESS_DENIED;
              const scope = findRoute(opts.routes, method, path)?.scopes.join(' ') ?? '';
              const headers: Record<string, string> = { 'content-type': 'application/json' };
              for (const [k, v] of Object.entries(gr.headers)) headers[k] = v.replace('{scope}', scope);
              res.writeHead(gr.status, headers);
              res.end(gr.body);
              return;
            }
            res.writeHead(status, stripHopByHop(upRes.headers));
            res.end(Buffer.concat(upChunks));
          });
        },
      );
      up.on('error', () => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end('{"message":"Bad Gateway"}');
      });
      up.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve(server));
  });
}

function stripHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out = { ...headers };
  delete out.connection;
  delete out['transfer-encoding'];
  delete out['keep-alive'];
  return out;
}

type GatewayResponseResource = {
  Type: string;
  Properties: { ResponseType: string; StatusCode?: string | number; ResponseParameters?: Record<string, string>; ResponseTemplates?: Record<string, string> };
};

/**
 * The gateway responses of serverless.yml, for the local gateway. Static header values ('…') are used as they are;
 * `context.authorizer.wwwAuthenticate` is what the authorizer puts in its Deny context for a missing scope.
 */
export function readGatewayResponses(file = join(REPO_ROOT, 'infra/serverless/gateway-responses.yml')): GatewayResponses {
  const doc = load(readFileSync(file, 'utf8')) as { Resources: Record<string, GatewayResponseResource> };
  const byType = new Map(Object.values(doc.Resources).filter((r) => r.Type === 'AWS::ApiGateway::GatewayResponse').map((r) => [r.Properties.ResponseType, r.Properties]));
  const build = (type: 'UNAUTHORIZED' | 'ACCESS_DENIED', status: number, message: string): GatewayResponse => {
    const p = byType.get(type);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(p?.ResponseParameters ?? {})) {
      const name = k.replace(/^gatewayresponse\.header\./, '');
      if (/^'.*'$/.test(v)) headers[name] = v.slice(1, -1);
      else if (v === 'context.authorizer.wwwAuthenticate') headers[name] = 'Bearer error="insufficient_scope", scope="{scope}"';
    }
    const template = p?.ResponseTemplates?.['application/json'] ?? `{"message":$context.error.messageString}`;
    return {
      status: Number(p?.StatusCode ?? status),
      headers,
      body: template.replace(/\$context\.error\.messageString/g, JSON.stringify(message)).replace(/\$context\.[A-Za-z.]+/g, ''),
    };
  };
  return { UNAUTHORIZED: build('UNAUTHORIZED', 401, 'Unauthorized'), ACCESS_DENIED: build('ACCESS_DENIED', 403, 'Forbidden') };
}

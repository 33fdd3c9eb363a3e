'use strict';
/**
 * The bundled token and authorizer functions behind a bare node:http server, no serverless-offline:
 *   POST /oauth2/token  → token bundle `handler` (REST proxy event)
 *   GET  /demo/data     → authorizer bundle `request` (REST REQUEST event); allowed → 200 with the context,
 *                         `Unauthorized` → 401, a deny policy → 403
 *   GET  /__rss         → this process's peak resident set size (`process.resourceUsage().maxRSS`, KiB) and current RSS
 * Shows what the functions themselves sustain over HTTP on this machine. Prints `LISTENING <port>`.
 *   BENCH_TOKEN_BUNDLE, BENCH_AUTHORIZER_BUNDLE: absolute paths of the bundled handler files (either may be absent:
 *   one function per process measures its own memory).
 * The functions' audit lines go to this process's stdout, which the parent drains (as Lambda drains a function's).
 */
const { createServer } = require('node:http');

const token = process.env.BENCH_TOKEN_BUNDLE ? require(process.env.BENCH_TOKEN_BUNDLE) : undefined;
const authorizer = process.env.BENCH_AUTHORIZER_BUNDLE ? require(process.env.BENCH_AUTHORIZER_BUNDLE) : undefined;
let seq = 0;

function send(res, status, headers, body) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

async function route(req, body) {
  const requestContext = { requestId: `direct-${++seq}`, identity: { sourceIp: req.socket.remoteAddress, userAgent: req.headers['user-agent'] } };
  if (req.method === 'GET' && req.url === '/__rss') {
    return [200, {}, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, rssBytes: process.memoryUsage().rss })];
  }
  if (token && req.method === 'POST' && req.url === '/oauth2/token') {
    const r = await token.handler({ resource: '/oauth2/token', path: '/oauth2/token', httpMethod: 'POST', headers: req.headers, body, isBase64Encoded: false, requestContext });
    return [r.statusCode, r.headers || {}, r.body];
  }
  if (authorizer && req.method === 'GET' && req.url === '/demo/data') {
    const event = {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:bench01/prod/GET/demo/data',
      resource: '/demo/data',
      path: '/demo/data',
      httpMethod: 'GET',
      headers: req.headers,
      requestContext,
    };
    try {
      const answer = await authorizer.request(event);
      const denied = answer.policyDocument.Statement.some((s) => s.Effect === 'Deny');
      return denied ? [403, {}, '{"message":"Forbidden"}'] : [200, {}, JSON.stringify({ route: 'GET /demo/data', client_id: answer.context.client_id })];
    } catch {
      return [401, {}, '{"message":"Unauthorized"}'];
    }
  }
  return [404, {}, '{"message":"Not Found"}'];
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    route(req, Buffer.concat(chunks).toString('utf8')).then(
      ([status, headers, body]) => send(res, status, headers, body),
      () => send(res, 500, {}, '{"message":"Internal server error"}'),
    );
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

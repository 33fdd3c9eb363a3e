'use strict';
/**
 * The bundled functions of the authorization code flow behind a bare node:http server, no serverless-offline:
 *   GET  /oauth2/authorize → authorize bundle   POST /oauth2/login → login bundle   POST /oauth2/token → token bundle
 * REST proxy events (query, headers with the Cookie, body); Set-Cookie values come back from multiValueHeaders.
 * Each answer carries `x-bench-cpu-us`: the CPU (user + system, every thread: Argon2 runs in libuv's pool) the
 * process spent on that request; the driver sends one request at a time. Prints `LISTENING <port>`.
 *   BENCH_AUTHORIZE_BUNDLE, BENCH_LOGIN_BUNDLE, BENCH_TOKEN_BUNDLE: absolute paths of the bundled handler files.
 */
const { createServer } = require('node:http');

const handlers = {
  'GET /oauth2/authorize': require(process.env.BENCH_AUTHORIZE_BUNDLE).handler,
  'POST /oauth2/login': require(process.env.BENCH_LOGIN_BUNDLE).handler,
  'POST /oauth2/token': require(process.env.BENCH_TOKEN_BUNDLE).handler,
};
let seq = 0;

async function route(req, body) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const handler = handlers[`${req.method} ${url.pathname}`];
  if (!handler) return [404, {}, '{"message":"Not Found"}'];
  const query = {};
  for (const [k, v] of url.searchParams) (query[k] = query[k] || []).push(v);
  const event = {
    resource: url.pathname,
    path: url.pathname,
    httpMethod: req.method,
    headers: req.headers,
    multiValueQueryStringParameters: Object.keys(query).length ? query : null,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: `people-${++seq}`, identity: { sourceIp: req.socket.remoteAddress, userAgent: req.headers['user-agent'] } },
  };
  const r = await handler(event);
  const headers = { ...(r.headers || {}) };
  const cookies = r.multiValueHeaders && r.multiValueHeaders['Set-Cookie'];
  if (cookies) headers['set-cookie'] = cookies;
  return [r.statusCode, headers, r.body];
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const cpu = process.cpuUsage();
    route(req, Buffer.concat(chunks).toString('utf8')).then(
      ([status, headers, body]) => {
        const used = process.cpuUsage(cpu);
        res.writeHead(status, { ...headers, 'x-bench-cpu-us': String(used.user + used.system) });
        res.end(body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"message":"Internal server error"}');
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

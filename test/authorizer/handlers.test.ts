/** The entry points' answers as API Gateway reads them, and the demo backend. */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda';
import { createAuthorizerHandlers } from '../../lib/authorizer/handlers';
import { handler as demoHandler, httpApi as demoHttpApi, rest as demoRest } from '../../functions/demo';
import { harness, httpApiEvent, makeKey, mint, PREFIX, requestEvent, tokenEvent, type Harness, type TestKey } from '../../testkit/authorizer-fixtures';

let key: TestKey;
let h: Harness;
let flushes: number;
let handlers: ReturnType<typeof createAuthorizerHandlers>;
beforeAll(() => {
  key = makeKey('ES256', 'handlers-key');
});
beforeEach(() => {
  h = harness({ keys: [key] });
  flushes = 0;
  handlers = createAuthorizerHandlers({ authorizer: () => h.authorizer, flush: async () => void flushes++ });
});

const reader = () => mint(key, h.now(), { claims: { client_id: 'pc_r', sub: 'pc_r', scope: 'read:data', jti: 'jti-r' } });
const HTTP_PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:http456/$default/';

function expectApiGatewayContext(context: Record<string, unknown> | null | undefined) {
  expect(context).toBeDefined();
  for (const v of Object.values(context!)) expect(['string', 'number', 'boolean']).toContain(typeof v);
}

describe('REST TOKEN authorizer (token)', () => {
  test('allowed: principal, a policy naming every allowed route, and the caller in the context', async () => {
    const out = await handlers.token(tokenEvent(`Bearer ${reader()}`));
    expect(out).toEqual({
      principalId: 'pc_r',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}GET/demo/data`, `${PREFIX}GET/v2/demo/data`] }],
      },
      context: { sub: 'pc_r', client_id: 'pc_r', scope: 'read:data', jti: 'jti-r', exp: h.now() + 300 },
    });
    expectApiGatewayContext(out.context);
    expect(flushes).toBe(1);
  });

  test('insufficient scope: an explicit Deny of this request and the WWW-Authenticate value in the context', async () => {
    const out = await handlers.token(tokenEvent(`Bearer ${reader()}`, 'POST'));
    expect(out.policyDocument.Statement).toContainEqual({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}POST/demo/data`] });
    expect(out.context?.wwwAuthenticate).toBe('Bearer error="insufficient_scope", scope="write:data"');
    expectApiGatewayContext(out.context);
  });

  test('missing, malformed or invalid token: the Unauthorized error (401), after the audit flush', async () => {
    for (const header of [undefined, '', 'Basic abc', 'Bearer nope', `Bearer ${mint(key, h.now(), { header: { typ: 'JWT' } })}`]) {
      await expect(handlers.token(tokenEvent(header))).rejects.toThrow(/^Unauthorized$/);
    }
    expect(flushes).toBe(5);
    expect(h.audit.events.every((e) => e.event === 'authz.denied')).toBe(true);
  });
});

describe('REST REQUEST authorizer (request)', () => {
  test('the Authorization header is found whatever its case', async () => {
    for (const name of ['Authorization', 'authorization', 'AUTHORIZATION']) {
      const out = await handlers.request(requestEvent({ [name]: `Bearer ${reader()}` }));
      expect(out.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
      expect(out.context?.client_id).toBe('pc_r');
    }
    expect(h.audit.events.at(-1)).toMatchObject({ source_ip: '203.0.113.9', user_agent: 'jest', request_id: 'req-1', route: 'GET /demo/data' });
  });

  test('the matched resource decides, and a resource outside the table is refused', async () => {
    const denied = await handlers.request(requestEvent({ authorization: `Bearer ${reader()}` }, 'POST'));
    expect(denied.context?.wwwAuthenticate).toContain('insufficient_scope');
    const undeclared = await handlers.request(requestEvent({ authorization: `Bearer ${reader()}` }, 'GET', '/demo/{id}', '/demo/data'));
    expect(undeclared.policyDocument.Statement.at(-1)).toEqual({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}GET/demo/data`] });
    expect(h.audit.events.at(-1)?.reason).toBe('route_not_declared');
  });

  test('no header at all: Unauthorized', async () => {
    await expect(handlers.request(requestEvent({}))).rejects.toThrow('Unauthorized');
  });
});

describe('HTTP API authorizers (payload 2.0)', () => {
  test('httpApi answers IAM policies for the routeArn stage', async () => {
    const out = await handlers.httpApi(httpApiEvent({ authorization: `Bearer ${reader()}` }));
    expect(out.principalId).toBe('pc_r');
    expect(out.policyDocument.Statement[0].Effect).toBe('Allow');
    expect((out.policyDocument.Statement[0] as { Resource: string[] }).Resource).toEqual([`${HTTP_PREFIX}GET/demo/data`, `${HTTP_PREFIX}GET/v2/demo/data`]);
    const post = await handlers.httpApi(httpApiEvent({ authorization: `Bearer ${reader()}` }, 'POST'));
    expect(post.policyDocument.Statement.at(-1)).toMatchObject({ Effect: 'Deny', Resource: [`${HTTP_PREFIX}POST/v2/demo/data`] });
  });

  test('httpApiSimple answers isAuthorized with the caller in the context', async () => {
    const ok = await handlers.httpApiSimple(httpApiEvent({ authorization: `bearer ${reader()}` }));
    expect(ok).toEqual({ isAuthorized: true, context: { sub: 'pc_r', client_id: 'pc_r', scope: 'read:data', jti: 'jti-r', exp: h.now() + 300 } });
    expect(await handlers.httpApiSimple(httpApiEvent({ authorization: `Bearer ${reader()}` }, 'POST'))).toEqual({ isAuthorized: false, context: {} });
    await expect(handlers.httpApiSimple(httpApiEvent({ authorization: 'Bearer x.y.z' }))).rejects.toThrow('Unauthorized');
    expect(h.audit.events.at(0)).toMatchObject({ source_ip: '198.51.100.7', request_id: 'req-2', route: 'GET /v2/demo/data' });
  });

  test('an ANY route key is matched with the request method', async () => {
    const event = httpApiEvent({ authorization: `Bearer ${reader()}` }, 'GET');
    event.routeKey = 'ANY /v2/demo/data';
    expect((await handlers.httpApiSimple(event)).isAuthorized).toBe(true);
  });
});

describe('fail closed at the entry points', () => {
  test('an authorizer that cannot be built (bad route table, bad config): Unauthorized on every entry point', async () => {
    const broken = createAuthorizerHandlers({
      authorizer: () => {
        throw new Error('portcullis configuration error');
      },
    });
    const token = `Bearer ${reader()}`;
    await expect(broken.token(tokenEvent(token))).rejects.toThrow(/^Unauthorized$/);
    await expect(broken.request(requestEvent({ authorization: token }))).rejects.toThrow(/^Unauthorized$/);
    await expect(broken.httpApi(httpApiEvent({ authorization: token }))).rejects.toThrow(/^Unauthorized$/);
    await expect(broken.httpApiSimple(httpApiEvent({ authorization: token }))).rejects.toThrow(/^Unauthorized$/);
  });

  test('a failing audit flush does not change the decision', async () => {
    const flaky = createAuthorizerHandlers({ authorizer: () => h.authorizer, flush: () => Promise.reject(new Error('cloudwatch down')) });
    expect((await flaky.httpApiSimple(httpApiEvent({ authorization: `Bearer ${reader()}` }))).isAuthorized).toBe(true);
    await expect(flaky.token(tokenEvent('Bearer nope'))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe('demo backend', () => {
  test('REST: shows the caller from requestContext.authorizer', async () => {
    const event = {
      httpMethod: 'GET',
      resource: '/demo/data',
      path: '/demo/data',
      requestContext: { authorizer: { principalId: 'pc_r', client_id: 'pc_r', scope: 'read:data', sub: 'pc_r', jti: 'j', exp: '123' } },
    } as unknown as APIGatewayProxyEvent;
    const res = await demoRest(event);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ route: 'GET /demo/data', client_id: 'pc_r', scope: 'read:data', sub: 'pc_r', message: 'read ok' });
    expect(JSON.parse((await demoHandler(event)).body as string).route).toBe('GET /demo/data');
  });

  test('HTTP API: shows the caller from requestContext.authorizer.lambda', async () => {
    const event = {
      routeKey: 'POST /v2/demo/data',
      rawPath: '/v2/demo/data',
      requestContext: { http: { method: 'POST' }, authorizer: { lambda: { client_id: 'pc_w', scope: 'write:data', sub: 'pc_w' } } },
    } as unknown as APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>;
    const res = await demoHttpApi(event);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body as string)).toEqual({ route: 'POST /v2/demo/data', client_id: 'pc_w', scope: 'write:data', sub: 'pc_w', message: 'write accepted' });
    // the single `handler` tells the two payloads apart
    const viaHandler = await demoHandler({ ...event, version: '2.0' } as typeof event);
    expect(JSON.parse(viaHandler.body as string).client_id).toBe('pc_w');
  });
});

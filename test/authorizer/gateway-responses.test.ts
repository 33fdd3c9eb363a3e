/** infra/serverless/gateway-responses.yml agrees with what the authorizer sends, and is plain CloudFormation YAML. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { WWW_AUTHENTICATE_INVALID } from '../../lib/authorizer/decide';
import { createAuthorizerHandlers } from '../../lib/authorizer/handlers';
import { harness, makeKey, mint, tokenEvent } from '../../testkit/authorizer-fixtures';

const text = readFileSync(join(__dirname, '..', '..', 'infra', 'serverless', 'gateway-responses.yml'), 'utf8');
type Resource = { Type: string; Properties: { RestApiId: unknown; ResponseType: string; StatusCode: string; ResponseParameters: Record<string, string> } };
const resources = Object.values((load(text) as { Resources: Record<string, Resource> }).Resources);
const byType = (t: string) => resources.find((r) => r.Properties.ResponseType === t)!.Properties;

test('four gateway responses on the REST API, no short-form tags', () => {
  expect(resources.map((r) => [r.Type, r.Properties.ResponseType, r.Properties.StatusCode, r.Properties.RestApiId])).toEqual([
    ['AWS::ApiGateway::GatewayResponse', 'UNAUTHORIZED', '401', { Ref: 'ApiGatewayRestApi' }],
    ['AWS::ApiGateway::GatewayResponse', 'ACCESS_DENIED', '403', { Ref: 'ApiGatewayRestApi' }],
    ['AWS::ApiGateway::GatewayResponse', 'AUTHORIZER_FAILURE', '503', { Ref: 'ApiGatewayRestApi' }],
    ['AWS::ApiGateway::GatewayResponse', 'AUTHORIZER_CONFIGURATION_ERROR', '500', { Ref: 'ApiGatewayRestApi' }],
  ]);
  expect(text).not.toMatch(/^[^#]*\s!(Ref|Sub|GetAtt)/m);
});

test('401 carries the invalid_token challenge; 403 takes the challenge the authorizer put in its context', async () => {
  expect(byType('UNAUTHORIZED').ResponseParameters['gatewayresponse.header.WWW-Authenticate']).toBe(`'${WWW_AUTHENTICATE_INVALID}'`);
  const mapping = byType('ACCESS_DENIED').ResponseParameters['gatewayresponse.header.WWW-Authenticate'];
  expect(mapping).toMatch(/^context\.authorizer\.(\w+)$/);
  const key = makeKey('ES256');
  const h = harness({ keys: [key] });
  const out = await createAuthorizerHandlers({ authorizer: () => h.authorizer }).token(tokenEvent(`Bearer ${mint(key, h.now())}`, 'POST'));
  expect(out.context?.[mapping.split('.')[2]]).toBe('Bearer error="insufficient_scope", scope="write:data"');
});

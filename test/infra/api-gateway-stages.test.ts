/**
 * infra/serverless/api-gateway-stages.js, which the portcullis plugin runs at package time: the REST stage becomes a
 * resource of its own with access logs and throttling, the HTTP API stage gets the same, and settings that cannot be
 * right are refused. (The packaged result is checked in template-security.test.ts.)
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const { applyApiGatewayStages, throttleSettings, DEFAULT_THROTTLE } = require('../../infra/serverless/api-gateway-stages.js');
const PortcullisPlugin = require('../../infra/serverless-plugin-portcullis.js');

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: unknown }>;

const compiled = (): { Resources: Resources } => ({
  Resources: {
    ApiGatewayRestApi: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'portcullis-prod' } },
    ApiGatewayDeployment123: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, StageName: 'prod' } },
    HttpApiStage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'HttpApi' }, StageName: '$default', DefaultRouteSettings: { DetailedMetricsEnabled: false } } },
    ApiAccessLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/portcullis/prod/api-access' } },
    ApiGatewayUsagePlan: { Type: 'AWS::ApiGateway::UsagePlan', Properties: {}, DependsOn: 'ApiGatewayDeployment123' },
  },
});
const throttle = { rateLimit: 10, burstLimit: 20 };

test('the deployment no longer creates the stage: a stage resource on it does, with access logs and throttling; usage plans wait for it', () => {
  const t = compiled();
  applyApiGatewayStages(t, { stage: 'prod', throttle });
  expect(t.Resources.ApiGatewayDeployment123.Properties.StageName).toBeUndefined();
  expect(t.Resources.ApiGatewayStage).toMatchObject({
    Type: 'AWS::ApiGateway::Stage',
    Properties: {
      RestApiId: { Ref: 'ApiGatewayRestApi' },
      DeploymentId: { Ref: 'ApiGatewayDeployment123' },
      StageName: 'prod',
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] }, Format: expect.stringContaining('"requestId":"$context.requestId"') },
      MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, DataTraceEnabled: false, LoggingLevel: 'OFF', MetricsEnabled: false }],
    },
  });
  expect(t.Resources.ApiGatewayUsagePlan.DependsOn).toEqual(['ApiGatewayDeployment123', 'ApiGatewayStage']);
  expect(t.Resources.HttpApiStage.Properties).toMatchObject({
    AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] }, Format: expect.stringContaining('"routeKey":"$context.routeKey"') },
    DefaultRouteSettings: { DetailedMetricsEnabled: false, ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
  });
});

test('refused: no access log group to write to, or a REST API whose deployment cannot be told apart', () => {
  const noGroup = compiled();
  delete noGroup.Resources.ApiAccessLogGroup;
  expect(() => applyApiGatewayStages(noGroup, { stage: 'prod', throttle })).toThrow(/no ApiAccessLogGroup for the API access logs/);
  const two = compiled();
  two.Resources.ApiGatewayDeployment456 = { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' } } };
  expect(() => applyApiGatewayStages(two, { stage: 'prod', throttle })).toThrow(/expected one deployment of ApiGatewayRestApi, found 2/);
  const none = { Resources: {} };
  applyApiGatewayStages(none, { stage: 'prod', throttle });
  expect(none).toEqual({ Resources: {} });
});

test('throttle settings: the defaults when serverless.yml sets none; a rate of 0 or a fractional burst is refused', () => {
  expect(throttleSettings({})).toEqual(DEFAULT_THROTTLE);
  expect(throttleSettings({ apiGateway: { throttle: { rateLimit: '50.5', burstLimit: 100 } } })).toEqual({ rateLimit: 50.5, burstLimit: 100 });
  expect(() => throttleSettings({ apiGateway: { throttle: { rateLimit: 0 } } })).toThrow(/apiGateway.throttle.rateLimit must be a number of requests per second above 0/);
  expect(() => throttleSettings({ apiGateway: { throttle: { burstLimit: 1.5 } } })).toThrow(/apiGateway.throttle.burstLimit must be a whole number of at least 1/);
  expect(() => throttleSettings({ apiGateway: { throttle: { rateLimit: 'lots' } } })).toThrow(/rateLimit/);
});

test('the plugin refuses provider.logs.restApi / httpApi: osls would set the REST stage logging outside the template', () => {
  for (const logs of [{ restApi: true }, { httpApi: { format: '{}' } }]) {
    const sls = {
      service: {
        provider: { stage: 'prod', environment: {}, logs },
        custom: { portcullis: { issuer: '', scopes: {}, routes: {}, demoRoutes: {} }, stages: { default: { demo: false } } },
        functions: {},
      },
    };
    expect(() => new PortcullisPlugin(sls, {}, { log: { warning: () => undefined } }).apply()).toThrow(/provider.logs.restApi and provider.logs.httpApi are not used here/);
  }
});

export {};

'use strict';
/**
 * The API Gateway stages in the template, with access logs and throttling (the portcullis plugin calls this at
 * package time, after osls has compiled the APIs and merged infra/serverless/*.yml).
 *
 * REST API: osls creates the stage through its AWS::ApiGateway::Deployment (StageName) and applies stage settings
 * (provider.logs.restApi, metrics) with SDK calls after the deploy, outside the template; CloudFormation refuses
 * settings on a stage an existing Deployment owns. So the stage becomes its own AWS::ApiGateway::Stage resource
 * (ApiGatewayStage, the name osls uses for it) pointing at that deployment, and the deployment no longer names a
 * stage. HTTP API: osls's HttpApiStage ($default) gets the same access log group and throttling.
 *
 * Access logs go to ApiAccessLogGroup (infra/serverless/api-gateway.yml: KMS-encrypted, with retention), one JSON
 * object per request, built from $context variables only: no header (so no Authorization, no cookie), no query
 * string, no body, no token. Nor any other text the client chooses (user agent, raw path): a crafted value could
 * break the JSON or add fields to it; the route template (resourcePath, routeKey) says where the request went.
 * Execution logging and data tracing (which would log headers and bodies) stay off.
 */

const ACCESS_LOG_GROUP = 'ApiAccessLogGroup';
const REST_API = 'ApiGatewayRestApi';
const REST_STAGE = 'ApiGatewayStage';
const HTTP_API_STAGE = 'HttpApiStage';

/** custom.portcullis.apiGateway.throttle when serverless.yml sets none. */
const DEFAULT_THROTTLE = { rateLimit: 1000, burstLimit: 2000 };

const REST_ACCESS_LOG_FORMAT = JSON.stringify({
  api: 'rest',
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  sourceIp: '$context.identity.sourceIp',
  principalId: '$context.authorizer.principalId',
  authorizerStatus: '$context.authorizer.status',
  authorizerLatency: '$context.authorizer.latency',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
});

const HTTP_API_ACCESS_LOG_FORMAT = JSON.stringify({
  api: 'http',
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  sourceIp: '$context.identity.sourceIp',
  authorizerError: '$context.authorizer.error',
  errorMessage: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
});

class ApiGatewayConfigError extends Error {}

/** custom.portcullis.apiGateway.throttle, checked: a positive rate (requests per second) and a whole burst ≥ 1. */
function throttleSettings(portcullis) {
  const given = ((portcullis || {}).apiGateway || {}).throttle || {};
  const rateLimit = Number(given.rateLimit !== undefined ? given.rateLimit : DEFAULT_THROTTLE.rateLimit);
  const burstLimit = Number(given.burstLimit !== undefined ? given.burstLimit : DEFAULT_THROTTLE.burstLimit);
  if (!Number.isFinite(rateLimit) || rateLimit <= 0) throw new ApiGatewayConfigError(`apiGateway.throttle.rateLimit must be a number of requests per second above 0, got "${given.rateLimit}"`);
  if (!Number.isInteger(burstLimit) || burstLimit < 1) throw new ApiGatewayConfigError(`apiGateway.throttle.burstLimit must be a whole number of at least 1, got "${given.burstLimit}"`);
  return { rateLimit, burstLimit };
}

/**
 * Adds the stage settings to a compiled template (mutates it).
 * @param {{ Resources: Record<string, any> }} template
 * @param {{ stage: string, throttle: { rateLimit: number, burstLimit: number } }} options
 */
function applyApiGatewayStages(template, { stage, throttle }) {
  const resources = template.Resources;
  const hasRestApi = Boolean(resources[REST_API]);
  const hasHttpApi = Boolean(resources[HTTP_API_STAGE]);
  if (!hasRestApi && !hasHttpApi) return;
  if (!resources[ACCESS_LOG_GROUP]) throw new ApiGatewayConfigError(`the template has no ${ACCESS_LOG_GROUP} for the API access logs (infra/serverless/api-gateway.yml in serverless.yml resources)`);
  const destination = { 'Fn::GetAtt': [ACCESS_LOG_GROUP, 'Arn'] };

  if (hasRestApi) {
    const deployments = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Deployment' && JSON.stringify(r.Properties.RestApiId) === JSON.stringify({ Ref: REST_API }));
    if (deployments.length !== 1) throw new ApiGatewayConfigError(`expected one deployment of ${REST_API}, found ${deployments.length}`);
    const [deploymentId, deployment] = deployments[0];
    const stageName = deployment.Properties.StageName || stage;
    delete deployment.Properties.StageName;
    delete deployment.Properties.StageDescription;
    resources[REST_STAGE] = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: { Ref: REST_API },
        DeploymentId: { Ref: deploymentId },
        StageName: stageName,
        AccessLogSetting: { DestinationArn: destination, Format: REST_ACCESS_LOG_FORMAT },
        MethodSettings: [
          {
            ResourcePath: '/*',
            HttpMethod: '*',
            ThrottlingRateLimit: throttle.rateLimit,
            ThrottlingBurstLimit: throttle.burstLimit,
            LoggingLevel: 'OFF',
            DataTraceEnabled: false,
            MetricsEnabled: false,
          },
        ],
      },
    };
    // What osls ties to the stage through the deployment (usage plans name the stage) waits for the stage itself.
    for (const r of Object.values(resources)) {
      if (r.Type === 'AWS::ApiGateway::UsagePlan') r.DependsOn = [...new Set([].concat(r.DependsOn || [], REST_STAGE))];
    }
  }

  if (hasHttpApi) {
    const props = resources[HTTP_API_STAGE].Properties;
    props.AccessLogSettings = { DestinationArn: destination, Format: HTTP_API_ACCESS_LOG_FORMAT };
    props.DefaultRouteSettings = { ...(props.DefaultRouteSettings || {}), ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit };
  }
}

module.exports = { applyApiGatewayStages, throttleSettings, ApiGatewayConfigError, DEFAULT_THROTTLE, REST_ACCESS_LOG_FORMAT, HTTP_API_ACCESS_LOG_FORMAT };

/**
 * Security rules over a CloudFormation template (the one `serverless package` writes). Each rule returns its
 * violations as readable lines, empty when the template keeps it, so a failing test says what to fix.
 * Generic over resource names: a KMS key or a log group another change adds is held to the same rules.
 */
export type Resource = { Type: string; Properties?: Record<string, any>; Condition?: string; DependsOn?: unknown };
export type Template = { Resources: Record<string, Resource> };

type Statement = {
  Sid?: string;
  Effect?: string;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: unknown;
};

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** The text a value stands for, with `${…}` for what only CloudFormation knows; undefined for GetAtt/Ref of a resource. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Fn::Sub' in v) return typeof v['Fn::Sub'] === 'string' ? v['Fn::Sub'] : textOf((v['Fn::Sub'] as unknown[])[0]);
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => textOf(p) ?? '${…}').join(sep);
    }
    if ('Ref' in v && typeof v.Ref === 'string' && v.Ref.startsWith('AWS::')) return `\${${v.Ref}}`;
  }
  return undefined;
}

/** Every statement of every identity policy in the template: inline role policies, AWS::IAM::Policy, managed policies. */
function identityStatements(t: Template): Array<{ where: string; st: Statement }> {
  const out: Array<{ where: string; st: Statement }> = [];
  for (const [name, r] of Object.entries(t.Resources)) {
    const docs =
      r.Type === 'AWS::IAM::Role'
        ? list(r.Properties?.Policies).map((p: { PolicyName?: string; PolicyDocument?: { Statement?: unknown } }) => ({ where: `${name}/${p.PolicyName}`, doc: p.PolicyDocument }))
        : r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
          ? [{ where: name, doc: r.Properties?.PolicyDocument }]
          : [];
    for (const { where, doc } of docs) for (const st of list(doc?.Statement as Statement | Statement[])) out.push({ where, st });
  }
  return out;
}

const DATA_SERVICES = /^(dynamodb|kms|logs):/i;
/** An ARN of the service whose resource part is only a wildcard (every table, key, alias or log group), or a wildcard region or account. */
const WILDCARD_ARN = /^arn:[^:]+:(dynamodb|kms|logs):([^:]*):([^:]*):(.*)$/i;
const wildcardPart = (resource: string) => /^(\*|table\/\*|key\/\*|alias\/\*|log-group:\*(:\*)?)$/.test(resource);

/**
 * No identity policy gives DynamoDB, KMS or CloudWatch Logs actions on `*`, on every resource of the service, or
 * with NotAction/NotResource. A `key/*`-style resource passes only with a resource-tag condition (the signing keys:
 * `aws:ResourceTag/portcullis:signing-key`), which names the keys by tag.
 */
export function wildcardDataResources(t: Template): string[] {
  const out: string[] = [];
  for (const { where, st } of identityStatements(t)) {
    if (st.Effect !== 'Allow') continue;
    const sid = st.Sid ? ` (${st.Sid})` : '';
    if (st.NotAction !== undefined || st.NotResource !== undefined) {
      out.push(`${where}${sid}: Allow with NotAction/NotResource`);
      continue;
    }
    const actions = list(st.Action as string | string[]);
    if (!actions.some((a) => a === '*' || DATA_SERVICES.test(a))) continue;
    const tagged = JSON.stringify(st.Condition ?? {}).includes('aws:ResourceTag/');
    for (const r of list(st.Resource)) {
      const text = textOf(r);
      if (text === undefined) continue; // GetAtt / Ref of one resource
      if (text === '*') {
        out.push(`${where}${sid}: ${actions.join(', ')} on "*"`);
        continue;
      }
      const arn = WILDCARD_ARN.exec(text.replace(/\$\{[^}]*\}/g, '${}')); // ${AWS::Region} holds colons
      if (!arn) continue;
      if (arn[2] === '*' || arn[3] === '*') out.push(`${where}${sid}: ${text}: a wildcard region or account`);
      else if (wildcardPart(arn[4]) && !tagged) out.push(`${where}${sid}: ${text}: every ${arn[1]} resource of the account, with no resource-tag condition`);
    }
  }
  return out;
}

/** Every table encrypted, with point-in-time recovery; in a production stage, deletion protection too. */
export function tableProtection(t: Template, production: boolean): string[] {
  const out: string[] = [];
  for (const [name, r] of ofType(t, 'AWS::DynamoDB::Table')) {
    const p = r.Properties ?? {};
    if (p.SSESpecification?.SSEEnabled !== true) out.push(`${name}: SSESpecification.SSEEnabled is not true`);
    if (p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled !== true) out.push(`${name}: point-in-time recovery is not enabled`);
    if (production && p.DeletionProtectionEnabled !== true) out.push(`${name}: DeletionProtectionEnabled is not true in a production stage`);
  }
  return out;
}

/** `arn:${AWS::Partition}:iam::${AWS::AccountId}:root`, the account id alone, or their Join/literal spellings. */
export function isAccountRoot(principal: unknown): boolean {
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return false;
  const keys = Object.keys(principal);
  if (keys.length !== 1 || keys[0] !== 'AWS') return false;
  const values = list((principal as { AWS: unknown }).AWS);
  if (values.length !== 1) return false;
  const v = values[0];
  if (v && typeof v === 'object' && (v as { Ref?: unknown }).Ref === 'AWS::AccountId') return true;
  const text = textOf(v);
  return text !== undefined && /^(arn:(\$\{AWS::Partition\}|aws[a-z-]*):iam::(\$\{AWS::AccountId\}|\d{12}):root|\$\{AWS::AccountId\}|\d{12})$/.test(text);
}

/** Key policies: `kms:*` (or `*`) only for the account root; no NotAction/NotPrincipal; nothing open to `*` without a condition. */
export function kmsKeyPolicies(t: Template): string[] {
  const out: string[] = [];
  for (const [name, r] of ofType(t, 'AWS::KMS::Key')) {
    const statements = list(r.Properties?.KeyPolicy?.Statement as Statement | Statement[]);
    if (statements.length === 0) out.push(`${name}: no key policy (the default key policy is not in the template to check)`);
    for (const st of statements) {
      if (st.Effect !== 'Allow') continue;
      const sid = st.Sid ?? '(no Sid)';
      if (st.NotAction !== undefined || st.NotPrincipal !== undefined) out.push(`${name} ${sid}: Allow with NotAction/NotPrincipal`);
      const actions = list(st.Action as string | string[]);
      if (actions.some((a) => a === '*' || a.toLowerCase() === 'kms:*') && !isAccountRoot(st.Principal)) out.push(`${name} ${sid}: kms:* for ${JSON.stringify(st.Principal)}, not the account root`);
      const open = st.Principal === '*' || list((st.Principal as { AWS?: unknown } | undefined)?.AWS).includes('*');
      if (open && st.Condition === undefined) out.push(`${name} ${sid}: open to every principal without a condition`);
    }
  }
  return out;
}

/** Variables an access log must never contain: request data that can carry credentials. */
const FORBIDDEN_IN_ACCESS_LOG = /\$input|\$util|\$stageVariables|authorization|token|cookie|api_?key|secret|password|header|\.claims\b/i;

/** A JSON access log format whose values are literals or single $context variables, none of which can carry a credential. */
export function accessLogFormatViolations(format: unknown): string[] {
  if (typeof format !== 'string') return ['no format'];
  let parsed: unknown;
  try {
    parsed = JSON.parse(format);
  } catch {
    return ['the format is not JSON'];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return ['the format is not a JSON object'];
  const out: string[] = [];
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'string') out.push(`${key}: not a string`);
    else if (value.includes('$') && !/^\$context\.[A-Za-z.]+$/.test(value)) out.push(`${key}: "${value}" is not one $context variable`);
    if (FORBIDDEN_IN_ACCESS_LOG.test(`${key} ${String(value)}`)) out.push(`${key}: "${String(value)}" may carry a credential`);
  }
  return out;
}

/** The destination must be a log group of the template that is KMS-encrypted and has a retention. */
function destinationViolations(t: Template, where: string, destination: unknown): string[] {
  const group = (destination as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
  const r = group ? t.Resources[group] : undefined;
  if (!r || r.Type !== 'AWS::Logs::LogGroup') return [`${where}: access logs do not go to a log group of this template (${JSON.stringify(destination)})`];
  const out: string[] = [];
  if (!r.Properties?.KmsKeyId) out.push(`${where}: access log group ${group} is not KMS-encrypted`);
  if (!(Number(r.Properties?.RetentionInDays) > 0)) out.push(`${where}: access log group ${group} has no retention`);
  return out;
}

const ofApi = (t: Template, stageType: string, apiProp: string, apiId: string) =>
  ofType(t, stageType).filter(([, s]) => JSON.stringify(s.Properties?.[apiProp]) === JSON.stringify({ Ref: apiId }));

/** Stages the template cannot configure: an API without a stage resource, a Deployment that creates a stage itself. */
function unmanagedStages(t: Template): string[] {
  const out: string[] = [];
  for (const [name] of ofType(t, 'AWS::ApiGateway::RestApi')) if (ofApi(t, 'AWS::ApiGateway::Stage', 'RestApiId', name).length === 0) out.push(`${name}: no AWS::ApiGateway::Stage`);
  for (const [name] of ofType(t, 'AWS::ApiGatewayV2::Api')) if (ofApi(t, 'AWS::ApiGatewayV2::Stage', 'ApiId', name).length === 0) out.push(`${name}: no AWS::ApiGatewayV2::Stage`);
  for (const [name, d] of ofType(t, 'AWS::ApiGateway::Deployment')) if (d.Properties?.StageName) out.push(`${name}: the deployment creates stage "${d.Properties.StageName}" outside the template's stage settings`);
  return out;
}

/**
 * Access logging on every API Gateway stage: each REST API and HTTP API has a stage resource of its own (a
 * Deployment that names a stage makes one the template cannot configure), with access logs in an encrypted log
 * group with retention, a JSON format without credentials, and no data tracing (which logs headers and bodies).
 */
export function accessLogging(t: Template): string[] {
  const out = unmanagedStages(t);
  for (const [name, s] of ofType(t, 'AWS::ApiGateway::Stage')) {
    const setting = s.Properties?.AccessLogSetting;
    if (!setting) out.push(`${name}: no AccessLogSetting`);
    else {
      out.push(...destinationViolations(t, name, setting.DestinationArn));
      out.push(...accessLogFormatViolations(setting.Format).map((v) => `${name}: ${v}`));
    }
    for (const m of list(s.Properties?.MethodSettings)) if ((m as { DataTraceEnabled?: unknown }).DataTraceEnabled === true) out.push(`${name}: DataTraceEnabled logs full requests (headers, bodies, tokens)`);
  }
  for (const [name, s] of ofType(t, 'AWS::ApiGatewayV2::Stage')) {
    const settings = s.Properties?.AccessLogSettings;
    if (!settings) out.push(`${name}: no AccessLogSettings`);
    else {
      out.push(...destinationViolations(t, name, settings.DestinationArn));
      out.push(...accessLogFormatViolations(settings.Format).map((v) => `${name}: ${v}`));
    }
  }
  return out;
}

const positive = (v: unknown) => typeof v === 'number' && v > 0;

/**
 * Throttling on every stage: every API has a stage resource; a REST stage throttles all its methods
 * (MethodSettings `/*` `*`), an HTTP API stage its default route. A usage plan does not count: it throttles requests that carry an API key, and ours carry none.
 */
export function throttling(t: Template): string[] {
  const out = unmanagedStages(t);
  for (const [name, s] of ofType(t, 'AWS::ApiGateway::Stage')) {
    const all = list(s.Properties?.MethodSettings as Array<Record<string, unknown>>).find((m) => m.ResourcePath === '/*' && m.HttpMethod === '*');
    if (!all || !positive(all.ThrottlingRateLimit) || !positive(all.ThrottlingBurstLimit)) out.push(`${name}: no throttling for every method (MethodSettings /* * with ThrottlingRateLimit and ThrottlingBurstLimit)`);
  }
  for (const [name, s] of ofType(t, 'AWS::ApiGatewayV2::Stage')) {
    const d = s.Properties?.DefaultRouteSettings ?? {};
    if (!positive(d.ThrottlingRateLimit) || !positive(d.ThrottlingBurstLimit)) out.push(`${name}: no DefaultRouteSettings ThrottlingRateLimit and ThrottlingBurstLimit`);
  }
  return out;
}

/**
 * Every log group of the template (the audit group, the API access group, any another change adds) is KMS-encrypted
 * and has a retention, so no log is kept unencrypted or forever.
 */
export function logGroups(t: Template): string[] {
  const out: string[] = [];
  const groups = ofType(t, 'AWS::Logs::LogGroup');
  if (!groups.length) out.push('no AWS::Logs::LogGroup in the template');
  for (const [name, r] of groups) {
    if (!r.Properties?.KmsKeyId) out.push(`${name}: not KMS-encrypted`);
    if (!(Number(r.Properties?.RetentionInDays) > 0)) out.push(`${name}: no retention`);
  }
  return out;
}

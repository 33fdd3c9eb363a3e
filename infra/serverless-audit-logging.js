'use strict';
/**
 * Every function's logs go to the audit log group (Lambda's advanced logging controls): the audit trail is made of
 * the functions' stdout lines. Applied by the portcullis plugin:
 *  - at initialize: provider.logs.lambda (set to that when absent) must point at /<service>/<stage>/audit in JSON with applicationLogLevel INFO
 *    or more verbose (audit lines are INFO: a stricter level would drop them). A function's own `logs` block replaces
 *    the provider's in osls, so it is filled in from the provider's and refused if it points elsewhere or is stricter.
 *    Every function gets `disableLogs: true`: no /aws/lambda/<function> log group is created (nothing would write to it,
 *    and no role may write to any other group).
 *  - before the template is saved (after the resources of serverless.yml are merged): every function resource
 *    depends on the AuditLogGroup resource (its LoggingConfig names the group by name, which gives CloudFormation
 *    no order), and no /aws/lambda/<function> log group is left in the template.
 */
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const AUDIT_LEVEL = 'INFO';
const AUDIT_LOG_GROUP_RESOURCE = 'AuditLogGroup';

const auditLogGroupName = (service, stage) => `/${service}/${stage}/audit`;

/** Problems with one logs block (provider or function), as sentences; [] when it is right. */
function problems(logs, where, group) {
  const out = [];
  if (logs.logFormat !== 'JSON') out.push(`${where}.logFormat must be JSON (got ${JSON.stringify(logs.logFormat)})`);
  if (logs.logGroup !== group) out.push(`${where}.logGroup must be ${group}, the audit log group (got ${JSON.stringify(logs.logGroup)})`);
  const level = logs.applicationLogLevel;
  if (level !== undefined && LEVELS.indexOf(level) > LEVELS.indexOf(AUDIT_LEVEL)) {
    out.push(`${where}.applicationLogLevel ${level} would drop the audit events (they are ${AUDIT_LEVEL}): use ${AUDIT_LEVEL} or more verbose`);
  }
  return out;
}

/**
 * @param {object} service serverless.service
 * @param {{ stage: string, warn: (message: string) => void }} ctx
 * @returns {string[]} what is wrong (the plugin refuses the configuration when not empty)
 */
function applyAuditLogging(service, { stage, warn }) {
  const group = auditLogGroupName(service.service, stage);
  const provider = (service.provider = service.provider || {});
  if (!provider.logs || !provider.logs.lambda) {
    // Not declared (serverless.yml declares it): the audit trail needs it, so it is the default.
    provider.logs = { ...(provider.logs || {}), lambda: { logFormat: 'JSON', logGroup: group, applicationLogLevel: AUDIT_LEVEL, systemLogLevel: 'WARN' } };
  }
  const base = provider.logs.lambda;
  const errors = problems(base, 'provider.logs.lambda', group);
  for (const [name, fn] of Object.entries(service.functions || {})) {
    if (!fn) continue;
    fn.disableLogs = true;
    if (fn.logs) {
      fn.logs = { ...base, ...fn.logs };
      errors.push(...problems(fn.logs, `functions.${name}.logs`, group));
    }
  }
  const audit = (service.custom && service.custom.portcullis && service.custom.portcullis.audit) || {};
  if (audit.confirm !== undefined) {
    warn(
      'portcullis: custom.portcullis.audit.confirm is no longer used and can be removed: every function writes each audit event to stdout before it answers, and Lambda delivers it to the audit log group (README, "Audit trail")',
    );
  }
  return errors;
}

/** @param {{ Resources: Record<string, { Type: string, DependsOn?: string | string[], Properties?: Record<string, unknown> }> }} template */
function dependOnAuditLogGroup(template) {
  const resources = template.Resources || {};
  if (!resources[AUDIT_LOG_GROUP_RESOURCE]) return [`the template has no ${AUDIT_LOG_GROUP_RESOURCE} (infra/serverless/audit.yml)`];
  const errors = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::Lambda::Function') {
      const deps = [].concat(r.DependsOn || []);
      if (!deps.includes(AUDIT_LOG_GROUP_RESOURCE)) r.DependsOn = [...deps, AUDIT_LOG_GROUP_RESOURCE];
    } else if (r.Type === 'AWS::Logs::LogGroup' && id !== AUDIT_LOG_GROUP_RESOURCE && /^\/aws\/lambda\//.test(String((r.Properties || {}).LogGroupName))) {
      // A function's own group would stay empty (its logs go to the audit group). Other groups (API Gateway
      // access logs …) are not the functions' business.
      errors.push(`log group ${id}: every function logs to the audit log group; no /aws/lambda/<function> group is expected`);
    }
  }
  return errors;
}

module.exports = { applyAuditLogging, dependOnAuditLogGroup, auditLogGroupName, AUDIT_LOG_GROUP_RESOURCE };

/**
 * The DynamoDB part of the functions' IAM roles, read as IAM reads it: which actions, on the table or the
 * `feed` index, for which partition keys (`ForAllValues:StringLike` on `dynamodb:LeadingKeys`).
 * Works on iam.yml as parsed (test/infra/iam-key-usage.test.ts) and on the packaged template (test/infra/template.test.ts).
 */

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** `table`, or `index/<name>`. */
export type DynamoTarget = string;

/** One DynamoDB request as a function makes it: the action, where, and the partition key value(s) it names. */
export interface DynamoRequest {
  action: string;
  target: DynamoTarget;
  leadingKeys: string[];
}

export interface DynamoGrant {
  actions: string[];
  targets: DynamoTarget[];
  /** The LeadingKeys patterns; undefined when the statement has no such condition (any partition). */
  patterns?: string[];
  /** Condition operators other than the LeadingKeys one (none is expected). */
  otherConditions: string[];
}

const TABLE = JSON.stringify({ 'Fn::GetAtt': ['PortcullisTable', 'Arn'] });
const FEED_INDEX = JSON.stringify({ 'Fn::Sub': '${PortcullisTable.Arn}/index/feed' });

function target(resource: unknown): DynamoTarget {
  const r = JSON.stringify(resource);
  if (r === TABLE) return 'table';
  if (r === FEED_INDEX) return 'index/feed';
  throw new Error(`unexpected DynamoDB resource ${r}`);
}

export const list = <T>(v: T | T[]): T[] => ([] as T[]).concat(v);

/** The Allow statements that name DynamoDB actions. */
export function dynamoGrants(statements: PolicyStatement[]): DynamoGrant[] {
  return statements
    .filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')))
    .map((s) => {
      if (s.Effect !== 'Allow') throw new Error('only Allow statements are expected');
      const condition = s.Condition ?? {};
      const leading = condition['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
      const otherConditions = Object.entries(condition).flatMap(([op, keys]) =>
        Object.keys(keys)
          .filter((k) => !(op === 'ForAllValues:StringLike' && k === 'dynamodb:LeadingKeys'))
          .map((k) => `${op} ${k}`),
      );
      return {
        actions: list(s.Action).map((a) => a.replace(/^dynamodb:/, '')),
        targets: list(s.Resource).map(target),
        patterns: leading === undefined ? undefined : list(leading as string | string[]),
        otherConditions,
      };
    });
}

/** IAM StringLike: `*` any run of characters, `?` one character, case-sensitive, the whole value. */
export function stringLike(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

/** Whether a statement allows the request (ForAllValues: every key named must match a pattern). */
export function grantAllows(g: DynamoGrant, req: DynamoRequest): boolean {
  if (!g.actions.includes(req.action) || !g.targets.includes(req.target) || g.otherConditions.length > 0) return false;
  return g.patterns === undefined || req.leadingKeys.every((k) => g.patterns!.some((p) => stringLike(p, k)));
}

export const allows = (grants: DynamoGrant[], req: DynamoRequest): boolean => grants.some((g) => grantAllows(g, req));

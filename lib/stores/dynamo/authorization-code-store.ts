/**
 * Authorization codes in the shared table: code#<SHA-256 of the code, hex> / code. The code itself is never stored.
 *   doc (S)            the record, JSON
 *   clientId, redirectUri, codeChallenge (S), codeExpiresAt (N)   the bindings, as attributes, so that the redemption
 *                      is ONE conditional UpdateItem that checks them all
 *   resource (S)       RFC 8707: the API the code is for, only when not the default audience (checked when presented)
 *   redeemedAt, tokenExp (N), jti, grantId (S)                  written by that redemption
 *   expiresAt (N)      TTL: codeExpiresAt; once redeemed, the issued token's exp + skew (a replay is recognised as
 *                      long as the token lives, RFC 6749 §4.1.2)
 * Two concurrent redemptions: the condition lets exactly one through. A refused redemption writes nothing (a wrong
 * verifier or client does not burn the code); one consistent GetItem then says why.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AuthorizationCodeRecord, CodeRedemption, RedeemResult } from '../../models/authorization-code';
import { keyspace, retention, sortKeys } from '../keyspace';
import { ConflictError, type AuthorizationCodeStore, type PresentedCode } from '../ports';
import type { DocTable } from './doc-table';

const SK = sortKeys.authorizationCode;
const key = (codeHash: string): Record<string, AttributeValue> => ({ pk: { S: keyspace.authorizationCode(codeHash) }, sk: { S: SK } });
const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as { name?: string })?.name === 'ConditionalCheckFailedException';
const n = (v: number): AttributeValue => ({ N: String(v) });

export class DynamoAuthorizationCodeStore implements AuthorizationCodeStore {
  constructor(private readonly table: DocTable) {}

  async create(codeHash: string, record: AuthorizationCodeRecord): Promise<void> {
    try {
      await this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: {
            ...key(codeHash),
            doc: { S: JSON.stringify(record) },
            clientId: { S: record.clientId },
            redirectUri: { S: record.redirectUri },
            codeChallenge: { S: record.codeChallenge },
            codeExpiresAt: n(record.codeExpiresAt),
            ...(record.resource !== undefined ? { resource: { S: record.resource } } : {}),
            expiresAt: n(retention.unredeemedCode(record.codeExpiresAt)),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new ConflictError('the code exists');
      throw err;
    }
  }

  async redeem(
    codeHash: string,
    presented: PresentedCode,
    redemption: CodeRedemption & { expiresAt: number },
    nowSeconds: number,
  ): Promise<RedeemResult> {
    // RFC 8707: a resource presented at the token endpoint must be the code's (null: the code has none).
    const resourceCondition =
      presented.resource === undefined ? '' : presented.resource === null ? ' AND attribute_not_exists(#res)' : ' AND #res = :res';
    try {
      const out = await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: key(codeHash),
          UpdateExpression: 'SET redeemedAt = :at, jti = :jti, tokenExp = :exp, grantId = :gid, expiresAt = :ttl',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(redeemedAt) AND codeExpiresAt > :now AND clientId = :c AND redirectUri = :r AND codeChallenge = :cc' +
            resourceCondition,
          ...(resourceCondition ? { ExpressionAttributeNames: { '#res': 'resource' } } : {}),
          ExpressionAttributeValues: {
            ':at': n(redemption.redeemedAt),
            ':jti': { S: redemption.jti },
            ':exp': n(redemption.tokenExp),
            ':gid': { S: redemption.grantId },
            ':ttl': n(redemption.expiresAt),
            ':now': n(nowSeconds),
            ':c': { S: presented.clientId },
            ':r': { S: presented.redirectUri },
            ':cc': { S: presented.codeChallenge },
            ...(typeof presented.resource === 'string' ? { ':res': { S: presented.resource } } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { status: 'redeemed', record: JSON.parse(out.Attributes!.doc.S!) as AuthorizationCodeRecord };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    return this.whyNot(codeHash, presented, nowSeconds);
  }

  /** The redemption was refused: one consistent read says why. */
  private async whyNot(codeHash: string, presented: PresentedCode, nowSeconds: number): Promise<RedeemResult> {
    const out = await this.table.client.send(new GetItemCommand({ TableName: this.table.tableName, Key: key(codeHash), ConsistentRead: true }));
    const item = out.Item;
    if (!item?.doc?.S) return { status: 'unknown' };
    const record = JSON.parse(item.doc.S) as AuthorizationCodeRecord;
    if (item.redeemedAt?.N !== undefined) {
      return {
        status: 'reused',
        record,
        redemption: { redeemedAt: Number(item.redeemedAt.N), jti: item.jti?.S ?? '', tokenExp: Number(item.tokenExp?.N ?? 0), grantId: item.grantId?.S ?? '' },
      };
    }
    if (Number(item.codeExpiresAt?.N ?? 0) <= nowSeconds) return { status: 'expired' };
    if (record.clientId !== presented.clientId) return { status: 'mismatch', record, field: 'client_id' };
    if (record.redirectUri !== presented.redirectUri) return { status: 'mismatch', record, field: 'redirect_uri' };
    if (record.codeChallenge !== presented.codeChallenge) return { status: 'mismatch', record, field: 'code_verifier' };
    if (presented.resource !== undefined && (item.resource?.S ?? null) !== presented.resource) return { status: 'mismatch', record, field: 'resource' };
    return { status: 'mismatch', record, field: 'code_verifier' };
  }
}

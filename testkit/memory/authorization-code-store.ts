/** In-memory AuthorizationCodeStore (same contract as DynamoDB's): a redemption is one synchronous step, so atomic. */
import type { AuthorizationCodeRecord, CodeRedemption, RedeemResult } from '../../lib/models/authorization-code';
import { ConflictError, type AuthorizationCodeStore, type PresentedCode } from '../../lib/stores/ports';

interface Item {
  record: AuthorizationCodeRecord;
  redemption?: CodeRedemption;
}

export class MemoryAuthorizationCodeStore implements AuthorizationCodeStore {
  private readonly items = new Map<string, Item>();

  async create(codeHash: string, record: AuthorizationCodeRecord): Promise<void> {
    if (this.items.has(codeHash)) throw new ConflictError('the code exists');
    this.items.set(codeHash, { record: structuredClone(record) });
  }

  async redeem(
    codeHash: string,
    presented: PresentedCode,
    redemption: CodeRedemption & { expiresAt: number },
    nowSeconds: number,
  ): Promise<RedeemResult> {
    const item = this.items.get(codeHash);
    if (!item) return { status: 'unknown' };
    const record = structuredClone(item.record);
    if (item.redemption) return { status: 'reused', record, redemption: { ...item.redemption } };
    if (record.codeExpiresAt <= nowSeconds) return { status: 'expired' };
    if (record.clientId !== presented.clientId) return { status: 'mismatch', record, field: 'client_id' };
    if (record.redirectUri !== presented.redirectUri) return { status: 'mismatch', record, field: 'redirect_uri' };
    if (record.codeChallenge !== presented.codeChallenge) return { status: 'mismatch', record, field: 'code_verifier' };
    if (presented.resource !== undefined && (record.resource ?? null) !== presented.resource) return { status: 'mismatch', record, field: 'resource' };
    const { expiresAt: _ttl, ...done } = redemption;
    item.redemption = done;
    return { status: 'redeemed', record };
  }
}

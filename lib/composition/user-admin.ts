/** The user admin over DynamoDB, with disable/delete wired to revocation by subject so existing tokens stop too. */
import type { AuditSink } from '../audit/types';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config } from '../config/types';
import type { DocTable } from '../stores/dynamo/doc-table';
import { DynamoConsentStore } from '../stores/dynamo/consent-store';
import { DynamoUserStore } from '../stores/dynamo/user-store';
import { UserAdmin } from '../users/user-admin';
import { createRevocationStore } from './revocation';
import { DynamoRefreshFamilyStore } from '../stores/dynamo/refresh-family-store';
import { revokeSubjectFamilies } from '../refresh/revoke-grant';

export function createUserAdmin(config: Config, table: DocTable, audit: AuditSink, actor: string, clock: Clock = systemClock): UserAdmin {
  const revocations = createRevocationStore(config, { table, clock });
  return new UserAdmin({
    config,
    users: new DynamoUserStore(table),
    consents: new DynamoConsentStore(table),
    audit,
    actor,
    clock,
    revokeSubject: async (sub, by) => {
      const notBefore = epochSeconds(clock);
      await revocations.revokeSubject(sub, { notBefore, by });
      // Their refresh-token families end too (their access tokens die by the subject's not-before).
      await revokeSubjectFamilies(new DynamoRefreshFamilyStore(table), sub, { nowSeconds: notBefore, reason: 'subject_revoked', by });
      return { notBefore };
    },
  });
}

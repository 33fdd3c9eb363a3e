import type { AuditSink } from '../audit/types';
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import type { Config } from '../config/types';
import { createRevocationStore } from './revocation';
import { notBeforeForDisable } from '../revocation/not-before';
import type { DocTable } from '../stores/dynamo/doc-table';
import { DynamoClientStore } from '../stores/dynamo/client-store';
import { DynamoTokenQuotaStore } from '../stores/dynamo/token-quota-store';
import { ClientAdmin } from '../clients/client-admin';

/** The client admin over DynamoDB, with disabling wired to revocation so existing tokens stop too. */
export function createClientAdmin(config: Config, table: DocTable, audit: AuditSink, actor: string, clock: Clock = systemClock): ClientAdmin {
  const revocations = createRevocationStore(config, { table, clock });
  return new ClientAdmin({
    config,
    clients: new DynamoClientStore(table),
    quotas: new DynamoTokenQuotaStore(table),
    audit,
    actor,
    clock,
    // Tokens minted by token-endpoint containers that still cache the client as active die too.
    onDisable: async (clientId, by) => {
      await revocations.revokeClient(clientId, { notBefore: notBeforeForDisable(clock, config.clientCacheTtlMs), reason: 'disabled', by });
    },
  });
}

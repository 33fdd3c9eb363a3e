/** Every store's contract (clients, keys, lockout, revocation, assertion jtis, token quotas, users, sessions, codes, consents, the sign-in read, refresh families), against DynamoDB (dynalite, the real wire protocol) and in memory. */
import { DynamoClientStore } from '../../lib/stores/dynamo/client-store';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { DynamoLockoutStore } from '../../lib/stores/dynamo/lockout-store';
import { DynamoRevocationStore } from '../../lib/stores/dynamo/revocation-store';
import { DynamoAssertionJtiStore } from '../../lib/stores/dynamo/assertion-jti-store';
import { DynamoTokenQuotaStore } from '../../lib/stores/dynamo/token-quota-store';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { FrozenClock } from '../../testkit/frozen-clock';
import { startDynalite } from '../../testkit/dynalite';
import { MemoryClientStore } from '../../testkit/memory/client-store';
import { MemoryKeyStore } from '../../testkit/memory/key-store';
import { MemoryLockoutStore } from '../../testkit/memory/lockout-store';
import { MemoryRevocationStore } from '../../testkit/memory/revocation-store';
import { MemoryAssertionJtiStore } from '../../testkit/memory/assertion-jti-store';
import { MemoryTokenQuotaStore } from '../../testkit/memory/token-quota-store';
import { clientStoreContract } from './contract/client-store.contract';
import { keyStoreContract } from './contract/key-store.contract';
import { lockoutStoreContract } from './contract/lockout-store.contract';
import { revocationStoreContract } from './contract/revocation-store.contract';
import { assertionJtiStoreContract } from './contract/assertion-jti-store.contract';
import { tokenQuotaStoreContract } from './contract/token-quota-store.contract';
import { DynamoUserStore } from '../../lib/stores/dynamo/user-store';
import { DynamoSessionStore } from '../../lib/stores/dynamo/session-store';
import { DynamoConsentStore } from '../../lib/stores/dynamo/consent-store';
import { DynamoAuthorizationCodeStore } from '../../lib/stores/dynamo/authorization-code-store';
import { DynamoSignInStateReader } from '../../lib/stores/dynamo/sign-in-state';
import { MemoryUserStore } from '../../testkit/memory/user-store';
import { MemorySessionStore } from '../../testkit/memory/session-store';
import { MemoryConsentStore } from '../../testkit/memory/consent-store';
import { MemoryAuthorizationCodeStore } from '../../testkit/memory/authorization-code-store';
import { MemorySignInStateReader } from '../../testkit/memory/sign-in-state';
import { userStoreContract } from './contract/user-store.contract';
import { sessionStoreContract } from './contract/session-store.contract';
import { consentStoreContract } from './contract/consent-store.contract';
import { authorizationCodeStoreContract } from './contract/authorization-code-store.contract';
import { signInStateContract } from './contract/sign-in-state.contract';
import { refreshFamilyStoreContract } from './contract/refresh-family-store.contract';
import { DynamoRefreshFamilyStore } from '../../lib/stores/dynamo/refresh-family-store';
import { MemoryRefreshFamilyStore } from '../../testkit/memory/refresh-family-store';

const clock = new FrozenClock(Date.UTC(2026, 5, 1));
let n = 0;

/** A fresh table per test: the contract assumes an empty store. */
async function freshTable() {
  const t = await startDynalite({ clock, tableName: `contract-${++n}` });
  cleanups.push(t.close);
  return t.table;
}
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

clientStoreContract('DynamoDB', async () => new DynamoClientStore(await freshTable()));
clientStoreContract('in-memory', async () => new MemoryClientStore());
keyStoreContract('DynamoDB', async () => new DynamoKeyStore(await freshTable()));
keyStoreContract('in-memory', async () => new MemoryKeyStore());
lockoutStoreContract('DynamoDB', async () => new DynamoLockoutStore(await freshTable()));
lockoutStoreContract('in-memory', async () => new MemoryLockoutStore());
assertionJtiStoreContract('DynamoDB', async () => new DynamoAssertionJtiStore(await freshTable()));
assertionJtiStoreContract('in-memory', async () => new MemoryAssertionJtiStore());
tokenQuotaStoreContract('DynamoDB', async () => new DynamoTokenQuotaStore(await freshTable()));
tokenQuotaStoreContract('in-memory', async () => new MemoryTokenQuotaStore());

const revocationConfig = { clockSkewSeconds: 30, maxTokenLifetimeSeconds: 86_400 };
revocationStoreContract('DynamoDB', async () => {
  const clock = new FrozenClock(Date.UTC(2026, 5, 1));
  const t = await freshTable();
  return { clock, store: new DynamoRevocationStore(new DocTable(t.client, t.tableName, clock), revocationConfig, clock) };
});
revocationStoreContract('in-memory', async () => {
  const clock = new FrozenClock(Date.UTC(2026, 5, 1));
  return { clock, store: new MemoryRevocationStore(revocationConfig, clock) };
});

userStoreContract('DynamoDB', async () => new DynamoUserStore(await freshTable()));
userStoreContract('in-memory', async () => new MemoryUserStore());
consentStoreContract('DynamoDB', async () => new DynamoConsentStore(await freshTable()));
consentStoreContract('in-memory', async () => new MemoryConsentStore());
authorizationCodeStoreContract('DynamoDB', async () => new DynamoAuthorizationCodeStore(await freshTable()));
authorizationCodeStoreContract('in-memory', async () => new MemoryAuthorizationCodeStore());

/** A table (or memory) whose TTL reads follow a clock of its own, which the test moves. */
async function clockedTable() {
  const clock = new FrozenClock(Date.UTC(2026, 5, 1));
  const t = await freshTable();
  return { clock, table: new DocTable(t.client, t.tableName, clock) };
}
sessionStoreContract('DynamoDB', async () => {
  const { clock, table } = await clockedTable();
  return { clock, store: new DynamoSessionStore(table) };
});
sessionStoreContract('in-memory', async () => {
  const clock = new FrozenClock(Date.UTC(2026, 5, 1));
  return { clock, store: new MemorySessionStore(clock) };
});
signInStateContract('DynamoDB', async () => {
  const { clock, table } = await clockedTable();
  return { clock, reader: new DynamoSignInStateReader(table), sessions: new DynamoSessionStore(table), users: new DynamoUserStore(table), consents: new DynamoConsentStore(table) };
});
signInStateContract('in-memory', async () => {
  const clock = new FrozenClock(Date.UTC(2026, 5, 1));
  const stores = { sessions: new MemorySessionStore(clock), users: new MemoryUserStore(), consents: new MemoryConsentStore() };
  return { clock, reader: new MemorySignInStateReader(stores), ...stores };
});

refreshFamilyStoreContract('DynamoDB', async () => {
  const { clock, table } = await clockedTable();
  return { clock, store: new DynamoRefreshFamilyStore(table), users: new DynamoUserStore(table), revocations: new DynamoRevocationStore(table, revocationConfig, clock) };
});
refreshFamilyStoreContract('in-memory', async () => {
  const clock = new FrozenClock(Date.UTC(2026, 5, 1));
  const users = new MemoryUserStore();
  const revocations = new MemoryRevocationStore(revocationConfig, clock);
  return { clock, store: new MemoryRefreshFamilyStore(clock, users, revocations), users, revocations };
});

/** Wiring of client authentication's services: private_key_jwt's client keys and used-jti store, over the table. */
import type { ClientAuthServices } from '../client-auth/method';
import { ClientKeyResolver } from '../client-auth/client-keys';
import type { Clock } from '../core/clock';
import type { Config } from '../config/types';
import { ENDPOINT_PATHS } from '../endpoints/paths';
import { getLogger } from '../observability/logger';
import { DynamoAssertionJtiStore } from '../stores/dynamo/assertion-jti-store';
import type { DocTable } from '../stores/dynamo/doc-table';

export function createClientAuthServices(config: Config, deps: { table: DocTable; clock: Clock }): ClientAuthServices {
  return {
    assertions: {
      issuer: config.issuer,
      tokenEndpoint: `${config.issuer}${ENDPOINT_PATHS.token}`,
      clockSkewSeconds: config.clockSkewSeconds,
      jtis: new DynamoAssertionJtiStore(deps.table),
      keys: new ClientKeyResolver({
        clock: deps.clock,
        onFetchError: (uri, err) => getLogger(config).warn('client JWKS fetch failed; its last good keys stay trusted for a while', { jwks_uri: uri.slice(0, 200), error: String((err as Error)?.message ?? err).slice(0, 200) }),
      }),
    },
  };
}

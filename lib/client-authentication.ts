/** Form + client authentication, shared by the token, revocation and introspection endpoints. */
import type { Clock } from './clock';
import { readClientCredentials, verifyClient, type ClientCredentials } from './clients/client-auth';
import type { CachedClientLookup } from './clients/client-cache';
import { readFormRequest, type FormParams } from './http/form';
import type { HttpRequest } from './http/request';
import type { ClientRecord } from './stores/types';
import { guardStore } from './store-guard';

export interface AuthenticatedRequest {
  params: FormParams;
  creds: ClientCredentials;
  client: ClientRecord;
}

/**
 * Parses the form and authenticates the client. `progress` is filled as far as it got,
 * so a failure can still be audited with what was known.
 */
export async function authenticateFormRequest(
  req: HttpRequest,
  deps: { clients: CachedClientLookup; maxBodyBytes: number; clock: Clock },
  progress: { params?: FormParams; creds?: ClientCredentials } = {},
  beforeAuth?: (params: FormParams) => void,
): Promise<AuthenticatedRequest> {
  const params = (progress.params = readFormRequest(req, deps.maxBodyBytes));
  beforeAuth?.(params);
  const creds = (progress.creds = readClientCredentials(req, params));
  const client = verifyClient(await guardStore(deps.clients.get(creds.clientId)), creds, deps.clock);
  return { params, creds, client };
}

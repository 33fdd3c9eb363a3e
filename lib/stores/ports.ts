import type { SigningAlg } from '../config/types';
import type { PublicJwk } from '../keys/signer';

export interface ClientSecret {
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  hash: string;
  createdAt: number;
  /** Epoch seconds after which this secret no longer authenticates (rotation overlap). */
  expiresAt?: number;
}

export type GrantType = 'client_credentials';

export interface ClientRecord {
  clientId: string;
  name: string;
  allowedScopes: string[];
  defaultScopes: string[];
  grantTypes: GrantType[];
  /** Overrides the global access token lifetime. */
  tokenLifetimeSeconds?: number;
  status: 'active' | 'disabled';
  /** Resource-server permission: may introspect tokens issued to other clients. */
  canIntrospectOthers?: boolean;
  /** Up to two secrets: the current one first, the previous one during rotation. */
  secrets: ClientSecret[];
  /** Epoch seconds. */
  createdAt: number;
  updatedAt: number;
}

export interface ClientStore {
  get(clientId: string): Promise<ClientRecord | undefined>;
  /** Fails with ConflictError if the id exists. */
  create(client: ClientRecord): Promise<void>;
  /** Applies `change` to the current record with an optimistic check; returns the new record. */
  update(clientId: string, change: (c: ClientRecord) => ClientRecord): Promise<ClientRecord>;
  list(): Promise<ClientRecord[]>;
}

export type KeyState = 'next' | 'active' | 'previous' | 'retired';

export interface KeyRecord {
  kid: string;
  alg: SigningAlg;
  /** Where the private key lives. */
  source: 'file' | 'kms';
  /** file: file name under the key directory; kms: key id or ARN. */
  ref: string;
  publicJwk: PublicJwk;
  state: KeyState;
  /** Epoch seconds. */
  createdAt: number;
  activatedAt?: number;
  deactivatedAt?: number;
  retiredAt?: number;
}

export interface KeyStore {
  list(): Promise<KeyRecord[]>;
  get(kid: string): Promise<KeyRecord | undefined>;
  create(key: KeyRecord): Promise<void>;
  update(kid: string, change: (k: KeyRecord) => KeyRecord): Promise<KeyRecord>;
}

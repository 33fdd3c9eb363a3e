/** In-memory ClientStore for fast unit tests of the layers above (the DynamoDB store is tested against dynalite). */
import { type ClientStore, ConflictError, NotFoundError } from '../../lib/stores/ports';
import type { ClientRecord } from '../../lib/models/client';

export class MemoryClientStore implements ClientStore {
  private readonly clients = new Map<string, ClientRecord>();
  /** Set to make every call fail, as an unavailable store would. */
  failWith?: Error;
  reads = 0;

  private check() {
    if (this.failWith) throw this.failWith;
  }

  async get(clientId: string): Promise<ClientRecord | undefined> {
    this.check();
    this.reads++;
    const c = this.clients.get(clientId);
    return c && structuredClone(c);
  }

  async create(client: ClientRecord): Promise<void> {
    this.check();
    if (this.clients.has(client.clientId)) throw new ConflictError();
    this.clients.set(client.clientId, structuredClone(client));
  }

  async update(clientId: string, change: (c: ClientRecord) => ClientRecord): Promise<ClientRecord> {
    this.check();
    const c = this.clients.get(clientId);
    if (!c) throw new NotFoundError(`client ${clientId}`);
    const next = change(structuredClone(c));
    this.clients.set(clientId, structuredClone(next));
    return next;
  }

  async list(): Promise<ClientRecord[]> {
    this.check();
    return [...this.clients.values()].map((c) => structuredClone(c));
  }
}

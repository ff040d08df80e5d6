/** The reconcile cursor of a tenant: the connector's opaque (modification time, id) position. */
import type { Redis } from 'ioredis';
import type { TenantKeys } from './keys.js';

export class Cursor {
  constructor(
    private readonly redis: Redis,
    private readonly keys: TenantKeys,
  ) {}

  get(): Promise<string | null> {
    return this.redis.get(this.keys.cursor);
  }

  /** Saved only after the batch it ends has been applied to the ledger, so a crash repeats, never skips. */
  async set(cursor: string): Promise<void> {
    await this.redis.set(this.keys.cursor, cursor);
  }
}

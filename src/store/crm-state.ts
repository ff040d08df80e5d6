/**
 * What the CRM holds in the write-back fields, as last read by a pull or set by a write-back. The
 * write-back diffs against it, so a value already in the CRM is never sent again; pulls refresh
 * it, so a field an admin edited by hand in the CRM gets rewritten on the next change.
 */
import type { Redis } from 'ioredis';
import type { AttainmentFields, CrmFieldState, DealFields, UserFields } from '../domain/write-back.js';
import type { TenantKeys } from './keys.js';

export interface FieldUpdates {
  deals?: ReadonlyMap<string, DealFields>;
  attainment?: ReadonlyMap<string, AttainmentFields>;
  users?: ReadonlyMap<string, UserFields>;
}

export interface FieldIds {
  deals?: readonly string[];
  attainment?: readonly string[];
  users?: readonly string[];
}

async function readHash<T>(
  redis: Redis,
  key: string,
  ids: readonly string[] | undefined,
): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  if (!ids || ids.length === 0) return out;
  const raw = await redis.hmget(key, ...ids);
  raw.forEach((json, i) => {
    if (json !== null) out.set(ids[i]!, JSON.parse(json) as T);
  });
  return out;
}

function addAll<T>(
  pipe: ReturnType<Redis['multi']>,
  key: string,
  values: ReadonlyMap<string, T> | undefined,
): number {
  if (!values || values.size === 0) return 0;
  const flat: string[] = [];
  for (const [id, v] of values) flat.push(id, JSON.stringify(v));
  pipe.hset(key, ...flat);
  return 1;
}

export class CrmState {
  constructor(
    private readonly redis: Redis,
    private readonly keys: TenantKeys,
  ) {}

  /** What the CRM holds for these records; a record never seen is missing from its map. */
  async read(ids: FieldIds): Promise<CrmFieldState> {
    const [deals, attainment, users] = await Promise.all([
      readHash<DealFields>(this.redis, this.keys.crmDeals, ids.deals),
      readHash<AttainmentFields>(this.redis, this.keys.crmAttainment, ids.attainment),
      readHash<UserFields>(this.redis, this.keys.crmUsers, ids.users),
    ]);
    return { deals, attainment, users };
  }

  /** The records of a write-back that was cut short (`deal:<id>`, `attainment:<key>`, `user:<id>`). */
  intent(): Promise<string[]> {
    return this.redis.smembers(this.keys.writeIntent);
  }

  async clearIntent(): Promise<void> {
    await this.redis.del(this.keys.writeIntent);
  }

  async record(updates: FieldUpdates): Promise<void> {
    const pipe = this.redis.multi();
    const writes =
      addAll(pipe, this.keys.crmDeals, updates.deals) +
      addAll(pipe, this.keys.crmAttainment, updates.attainment) +
      addAll(pipe, this.keys.crmUsers, updates.users);
    if (writes > 0) await pipe.exec();
  }
}

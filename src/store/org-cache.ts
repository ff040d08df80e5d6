/**
 * The org data of a tenant (users, rates, quotas, calendar, and what the attainment and user
 * write-back fields hold), cached so every job does not pull it again. The entry keeps the time it
 * was pulled; the caller decides when it is stale and keeps the previous entry to diff quotas
 * and managers against, so the entry itself never expires.
 */
import type { Redis } from 'ioredis';
import type { OrgData } from '../../connectors/types.js';
import type { AttainmentFields, UserFields } from '../domain/write-back.js';
import type { TenantKeys } from './keys.js';

export interface CachedOrg {
  org: OrgData;
  /** Epoch ms of the pull. */
  pulledAt: number;
  /** The tenant record's `updatedAt` at the pull: settings or a manager mapping changed since make it stale. */
  tenantVersion: string;
}

interface StoredOrg extends Omit<OrgData, 'current'> {
  current: { attainment: [string, AttainmentFields][]; users: [string, UserFields][] };
  pulledAt: number;
  tenantVersion: string;
}

export class OrgCache {
  constructor(
    private readonly redis: Redis,
    private readonly keys: TenantKeys,
  ) {}

  async get(): Promise<CachedOrg | null> {
    const json = await this.redis.get(this.keys.org);
    if (json === null) return null;
    const { pulledAt, tenantVersion, current, ...rest } = JSON.parse(json) as StoredOrg;
    return {
      pulledAt,
      tenantVersion,
      org: { ...rest, current: { attainment: new Map(current.attainment), users: new Map(current.users) } },
    };
  }

  async put(org: OrgData, pulledAt: number, tenantVersion: string): Promise<void> {
    const stored: StoredOrg = {
      ...org,
      current: { attainment: [...org.current.attainment], users: [...org.current.users] },
      pulledAt,
      tenantVersion,
    };
    await this.redis.set(this.keys.org, JSON.stringify(stored));
  }
}

/** Every store of one tenant, over that tenant's keys only: nothing here can reach another tenant. */
import type { Redis } from 'ioredis';
import { Backfills } from './backfills.js';
import { CrmState } from './crm-state.js';
import { Cursor } from './cursor.js';
import type { TenantKeys } from './keys.js';
import { Ledger } from './ledger.js';
import { ManagerHistory } from './manager-history.js';
import { OrgCache } from './org-cache.js';
import { Rows } from './rows.js';

export interface TenantStores {
  keys: TenantKeys;
  ledger: Ledger;
  rows: Rows;
  crm: CrmState;
  org: OrgCache;
  history: ManagerHistory;
  backfills: Backfills;
  cursor: Cursor;
}

export function tenantStores(redis: Redis, keys: TenantKeys): TenantStores {
  return {
    keys,
    ledger: new Ledger(redis, keys),
    rows: new Rows(redis, keys),
    crm: new CrmState(redis, keys),
    org: new OrgCache(redis, keys),
    history: new ManagerHistory(redis, keys),
    backfills: new Backfills(redis, keys),
    cursor: new Cursor(redis, keys),
  };
}

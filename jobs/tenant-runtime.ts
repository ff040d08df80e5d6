/**
 * Everything a job needs about one tenant: the tenant record, its connector, its stores, the pull
 * options its policy asks for, and the engine's OrgContext built from the cached org. Refreshing
 * the org also records manager changes (the history the service keeps), marks the rows whose
 * quota changed, and, when the caller holds the tenant's lock, records what the CRM's attainment
 * and user fields hold.
 */
import { DateTime } from 'luxon';
import type { CrmConnector, OrgData, PullOptions } from '../connectors/types.js';
import type { ManagerPeriod } from '../src/domain/attainment.js';
import { type OrgContext, type OrgInput, prepareOrg } from '../src/domain/org-context.js';
import type { ManagerChange } from '../src/domain/snapshot.js';
import { PlayercoachError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import { quotaChanges } from '../src/store/rows.js';
import { type LockHold, withTenantLock } from '../src/store/tenant-lock.js';
import { type TenantStores, tenantStores } from '../src/store/tenant-stores.js';
import type { Tenant } from '../src/tenants/tenant.js';
import type { PipelineDeps } from './deps.js';

export interface TenantRuntime {
  tenant: Tenant;
  connector: CrmConnector;
  stores: TenantStores;
  log: Logger;
  pullOptions: PullOptions;
  /**
   * The engine's view of the org. `locked`: the caller holds the tenant lock, so a refresh may
   * record the CRM's current attainment and user fields without racing a write-back.
   */
  orgContext(options: { locked: boolean }): Promise<OrgContext>;
  /**
   * Manager-periods whose quota changed in the last org refresh (already marked pending): the job
   * rebuilds them with the ones its own changes touched, after applying those, so each row is
   * computed once from the new ledger rather than once before and once after.
   */
  readonly quotaTouched: ManagerPeriod[];
  /** Runs `fn` holding the tenant lock (src/store/tenant-lock.ts); throws LockBusyError if another step holds it. */
  exclusive<T>(fn: (hold: LockHold) => Promise<T>): Promise<T>;
}

export async function loadTenant(deps: PipelineDeps, tenantId: string, log: Logger): Promise<TenantRuntime> {
  const tenant = await deps.tenants.get(tenantId);
  if (tenant === null) throw new PlayercoachError('NOT_FOUND', `tenant ${tenantId} does not exist`);
  const connector = deps.connectors(tenant);
  const stores = tenantStores(deps.redis, deps.keys.tenant(tenant.id));
  let memo: OrgContext | undefined;
  const quotaTouched: ManagerPeriod[] = [];
  return {
    quotaTouched,
    exclusive: (fn) => withTenantLock(deps.redis, stores.keys.syncLock, deps.settings.lockTtlMs, fn),
    tenant,
    connector,
    stores,
    log,
    pullOptions: {
      splits: tenant.policy.creditBasis === 'splits',
      accountActivities: tenant.policy.includeAccountActivities,
      // The jobs only evaluate: a deal that is not won needs no activities.
      activitiesOf: 'won',
    },
    async orgContext({ locked }) {
      if (memo) return memo;
      const cached = await stores.org.get();
      let org = cached?.org;
      const stale =
        cached === null ||
        deps.now() - cached.pulledAt >= deps.settings.orgCacheTtlMs ||
        // A new manager mapping or new settings change what the pull returns.
        cached.tenantVersion !== tenant.updatedAt;
      if (stale) {
        org = await connector.pullOrg();
        quotaTouched.push(...(await refreshOrg(deps, tenant, stores, cached?.org ?? null, org, locked, log)));
      }
      const history = await stores.history.list();
      memo = prepareOrg(orgInput(tenant, org!, history), tenant.policy);
      return memo;
    },
  };
}

/** The snapshot without deals and activities, with the tenant's own settings over the CRM's. */
export function orgInput(tenant: Tenant, org: OrgData, history: readonly ManagerChange[]): OrgInput {
  const users = new Set(org.users.map((u) => u.id));
  return {
    version: 1,
    tenant: tenant.id,
    corporateCurrency: org.corporateCurrency,
    timezone: tenant.settings.timezone ?? org.timezone,
    fiscalYearStartMonth: tenant.settings.fiscalYearStartMonth ?? org.fiscalYearStartMonth,
    internalDomains: tenant.settings.internalDomains ?? org.internalDomains,
    users: org.users,
    // An entry naming a user the CRM no longer lists would make the snapshot invalid; the engine
    // then falls back to the user's current manager, as for any user without history.
    managerHistory: history.filter(
      (h) => users.has(h.userId) && (h.managerId === null || users.has(h.managerId)),
    ),
    quotas: org.quotas,
    rates: org.rates,
  };
}

/** The tenant's calendar date at `now`, for dating manager changes as DESIGN.md says. */
export function tenantToday(tenant: Tenant, org: OrgData, now: number): string {
  return DateTime.fromMillis(now, { zone: tenant.settings.timezone ?? org.timezone }).toISODate()!;
}

async function refreshOrg(
  deps: PipelineDeps,
  tenant: Tenant,
  stores: TenantStores,
  before: OrgData | null,
  org: OrgData,
  locked: boolean,
  log: Logger,
): Promise<ManagerPeriod[]> {
  const changes = await stores.history.observe(org.users, tenantToday(tenant, org, deps.now()));
  if (changes.length > 0) log.info({ changes: changes.length }, 'manager changes recorded');
  const quotas = quotaChanges(before?.quotas ?? [], org.quotas);
  await stores.rows.markPending(quotas);
  if (locked) await stores.crm.record({ attainment: org.current.attainment, users: org.current.users });
  await stores.org.put(org, deps.now(), tenant.updatedAt);
  return quotas;
}

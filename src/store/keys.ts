/**
 * The Redis key layout, written down in one place. Every per-tenant key carries the tenant as a
 * hash tag (`{acme}`), so all of a tenant's keys live in one Redis Cluster slot and multi-key
 * commands and MULTI blocks over them work on a cluster. The few global keys (the tenant list and
 * the lookups from a CRM org or portal to a tenant) carry no tenant tag. BullMQ's own keys live
 * under `queuePrefix`, which is a hash tag of its own, as BullMQ requires on a cluster.
 */
export interface KeyLayout {
  /** SET of tenant ids. */
  tenants: string;
  /** STRING: tenant id of a Salesforce organization id (18 characters). */
  salesforceOrg(orgId: string): string;
  /** STRING: tenant id of a HubSpot portal id. */
  hubspotPortal(portalId: number | string): string;
  /** STRING: pending OAuth state (tenant id, provider, PKCE verifier), short TTL. */
  oauthState(state: string): string;
  /** Prefix for BullMQ queues. */
  queuePrefix: string;
  tenant(tenantId: string): TenantKeys;
}

export interface TenantKeys {
  /** Glob that matches every key of this tenant and no other tenant's (SCAN MATCH, for deletion). */
  all: string;
  /** HASH: the tenant record, one field per part, credentials and webhook secret encrypted (tenant-store.ts). */
  record: string;
  /** HASH dealId -> DealEvaluation JSON: the latest decision for every deal (the ledger). */
  ledger: string;
  /**
   * HASH dealId -> the RowContribution of its ledger entry (src/store/contributions.ts), written
   * and removed with the entry: what rebuilding attainment rows reads.
   */
  ledgerContributions: string;
  /** SET of dealIds whose evaluation touches this manager-period. */
  managerPeriod(managerId: string, period: string): string;
  /** HASH `<managerId>:<period>` -> AttainmentRow JSON, the latest computed rows. */
  rows: string;
  /** HASH dealId -> DealFields JSON: what the CRM holds (read by pulls, updated after writes). */
  crmDeals: string;
  /** HASH attainment key -> AttainmentFields JSON, likewise. */
  crmAttainment: string;
  /** HASH userId -> UserFields JSON, likewise. */
  crmUsers: string;
  /**
   * SET of `<managerId>:<period>` whose row must be rebuilt: marked in the same atomic step that
   * changes the ledger, cleared when the recompute starts, so a crash between the two loses nothing.
   */
  pendingRows: string;
  /** SET of dealIds / row keys / userIds waiting to be written back. */
  dirtyDeals: string;
  dirtyRows: string;
  dirtyUsers: string;
  /**
   * SET of `deal:<id>` / `attainment:<key>` / `user:<id>`: the records a write-back is about to
   * send. Present only while a write-back runs; one left behind means a crash between the CRM
   * write and the Redis update, and the next write-back re-reads those records from the CRM first.
   */
  writeIntent: string;
  /** HASH `deal:<id>` / `attainment:<key>` / `user:<id>` -> WriteFailure JSON with the time it failed. */
  writeFailures: string;
  /** STRING with TTL: the lock that serializes a tenant's pull-and-apply steps across workers. */
  syncLock: string;
  /** STRING: cached org data (users, rates, quotas, calendar) with the time it was pulled. */
  org: string;
  /** HASH userId -> managerId ('' for none) as last seen in the CRM. */
  managersSeen: string;
  /** LIST of ManagerChange JSON the service recorded or an admin entered. */
  managerHistory: string;
  /** STRING: the reconcile cursor. */
  cursor: string;
  /** STRING: the fiscal period the managers' user fields were last written for. */
  currentPeriod: string;
  /** STRING with TTL: a webhook event already accepted. */
  dedupe(eventId: string): string;
  /** HASH: one backfill's state, checkpoint and progress counters. */
  backfill(backfillId: string): string;
  /** ZSET of backfill ids by start time. */
  backfills: string;
  /** Prefix under which a dry-run backfill keeps its shadow ledger, rows and CRM view. */
  dryRun(backfillId: string): string;
  /** The keys of a dry-run backfill's shadow ledger: the same layout under `dryRun(backfillId)`. */
  shadow(backfillId: string): TenantKeys;
}

export function keyLayout(prefix: string): KeyLayout {
  return {
    tenants: `${prefix}:tenants`,
    salesforceOrg: (orgId) => `${prefix}:index:salesforce-org:${orgId}`,
    hubspotPortal: (portalId) => `${prefix}:index:hubspot-portal:${portalId}`,
    oauthState: (state) => `${prefix}:oauth-state:${state}`,
    queuePrefix: `{${prefix}-queues}`,
    tenant: (tenantId) => tenantKeys(`${prefix}:{${tenantId}}`),
  };
}

function tenantKeys(t: string): TenantKeys {
  return {
    all: `${t}:*`,
    record: `${t}:tenant`,
    ledger: `${t}:ledger`,
    ledgerContributions: `${t}:ledger:contributions`,
    managerPeriod: (managerId, period) => `${t}:mp:${managerId}:${period}`,
    rows: `${t}:rows`,
    pendingRows: `${t}:pending:rows`,
    crmDeals: `${t}:crm:deals`,
    crmAttainment: `${t}:crm:attainment`,
    crmUsers: `${t}:crm:users`,
    dirtyDeals: `${t}:dirty:deals`,
    dirtyRows: `${t}:dirty:rows`,
    dirtyUsers: `${t}:dirty:users`,
    writeIntent: `${t}:write:intent`,
    writeFailures: `${t}:write:failures`,
    syncLock: `${t}:lock:sync`,
    org: `${t}:org`,
    managersSeen: `${t}:managers:seen`,
    managerHistory: `${t}:managers:history`,
    cursor: `${t}:cursor`,
    currentPeriod: `${t}:current-period`,
    dedupe: (eventId) => `${t}:dedupe:${eventId}`,
    backfill: (backfillId) => `${t}:backfill:${backfillId}`,
    backfills: `${t}:backfills`,
    dryRun: (backfillId) => `${t}:dry:${backfillId}`,
    shadow: (backfillId) => tenantKeys(`${t}:dry:${backfillId}`),
  };
}

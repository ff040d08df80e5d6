/**
 * The engine's view of a tenant's org as the worker last pulled it (the org cache), for commands
 * that read what the pipeline computed: manager names, the tenant's time zone, internal domains.
 * Read only: unlike the worker's `orgContext`, nothing is pulled and no manager change recorded.
 */
import { orgInput } from '../../jobs/tenant-runtime.js';
import { type OrgContext, prepareOrg } from '../domain/org-context.js';
import { tenantStores } from '../store/tenant-stores.js';
import type { Tenant } from '../tenants/tenant.js';
import type { CliRuntime } from './runtime.js';

export async function cachedOrgContext(rt: CliRuntime, tenant: Tenant): Promise<OrgContext | null> {
  const stores = tenantStores(rt.redis, rt.deps.keys.tenant(tenant.id));
  const cached = await stores.org.get();
  if (cached === null) return null;
  return prepareOrg(orgInput(tenant, cached.org, await stores.history.list()), tenant.policy);
}

/** "Mia Manager (005M1)", or the id alone when the org does not name the user. */
export function userLabel(ctx: OrgContext | null, userId: string | null): string {
  if (userId === null) return '(none)';
  const name = ctx?.users.get(userId)?.name;
  return name ? `${name} (${userId})` : userId;
}

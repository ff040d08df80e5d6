/**
 * Reading what the pipeline computed, for the admin API and the CLI: attainment rows by manager
 * and period, and the decisions with their evidence for one deal ("why was / wasn't this deal
 * credited?"), beside what the CRM holds and any write failure.
 */
import { z } from 'zod';
import type { WriteFailure } from '../../connectors/types.js';
import type { AttainmentRow, Decision } from '../domain/results.js';
import { periodLabel, zodIssues } from '../domain/snapshot.js';
import type { DealFields } from '../domain/write-back.js';
import { InputError, PlayercoachError } from '../errors.js';
import { tenantStores } from '../store/tenant-stores.js';
import type { ServiceDeps } from './backfills.js';

export const attainmentQuerySchema = z.strictObject({
  managerId: z.string().min(1).max(64).optional(),
  period: periodLabel.optional(),
});

async function storesOf(deps: Pick<ServiceDeps, 'redis' | 'keys' | 'tenants'>, tenantId: string) {
  const tenant = await deps.tenants.get(tenantId);
  if (tenant === null) throw new PlayercoachError('NOT_FOUND', `tenant ${tenantId} does not exist`);
  return tenantStores(deps.redis, deps.keys.tenant(tenant.id));
}

/** The rows of a tenant, optionally of one manager and/or one period, sorted by manager then period. */
export async function attainmentFor(
  deps: Pick<ServiceDeps, 'redis' | 'keys' | 'tenants'>,
  tenantId: string,
  query: unknown,
): Promise<AttainmentRow[]> {
  const parsed = attainmentQuerySchema.safeParse(query ?? {});
  if (!parsed.success)
    throw new InputError(zodIssues(query, parsed.error).map((m) => `attainment query ${m}`));
  const { managerId, period } = parsed.data;
  const stores = await storesOf(deps, tenantId);
  return (await stores.rows.all()).filter(
    (r) =>
      (managerId === undefined || r.managerId === managerId) && (period === undefined || r.period === period),
  );
}

export interface DealExplanation {
  dealId: string;
  won: boolean;
  period: string;
  /** The deal amount in the corporate currency. */
  amount: string;
  teamManagerId: string | null;
  /** One per evaluated manager, with the activities that were the evidence and the reason. */
  decisions: Decision[];
  /** What playercoach wants on the deal in the CRM. */
  fields: DealFields;
  /** What the CRM holds there, as last read or written; null when never seen. */
  crm: DealFields | null;
  /** True while a write-back of this deal is pending. */
  writePending: boolean;
  /** The last failure to evaluate or write this deal, when it has not been written since. */
  failure: RecordedFailure | null;
}

export async function explainDeal(
  deps: Pick<ServiceDeps, 'redis' | 'keys' | 'tenants'>,
  tenantId: string,
  dealId: string,
): Promise<DealExplanation> {
  if (dealId.length === 0 || dealId.length > 64) throw new InputError('dealId must be 1-64 characters');
  const stores = await storesOf(deps, tenantId);
  const ev = (await stores.ledger.get([dealId])).get(dealId);
  if (ev === undefined) {
    throw new PlayercoachError(
      'NOT_FOUND',
      `deal ${dealId} has not been evaluated (no webhook, reconcile or backfill has seen it)`,
    );
  }
  const [crm, pending, failure] = await Promise.all([
    stores.crm.read({ deals: [dealId] }),
    deps.redis.sismember(stores.keys.dirtyDeals, dealId),
    deps.redis.hget(stores.keys.writeFailures, `deal:${dealId}`),
  ]);
  return {
    dealId,
    won: ev.won,
    period: ev.period,
    amount: ev.amount,
    teamManagerId: ev.teamManagerId,
    decisions: ev.decisions,
    fields: ev.fields,
    crm: crm.deals.get(dealId) ?? null,
    writePending: pending === 1,
    failure: failure === null ? null : (JSON.parse(failure) as DealExplanation['failure']),
  };
}

export type RecordedFailure = WriteFailure & { at?: string };

/**
 * Records the CRM refused, or the engine could not evaluate, with the reason, until they are
 * written successfully: what an admin looks at when a figure in the CRM does not move.
 */
export async function writeFailures(
  deps: Pick<ServiceDeps, 'redis' | 'keys' | 'tenants'>,
  tenantId: string,
): Promise<RecordedFailure[]> {
  const stores = await storesOf(deps, tenantId);
  const raw = await deps.redis.hvals(stores.keys.writeFailures);
  return raw
    .map((json) => JSON.parse(json) as RecordedFailure)
    .sort((a, b) =>
      a.objectType !== b.objectType
        ? a.objectType < b.objectType
          ? -1
          : 1
        : a.recordId < b.recordId
          ? -1
          : 1,
    );
}

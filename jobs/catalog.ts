/**
 * The typed job catalog: every queue with the zod schema of its payload. `enqueue` checks the
 * payload before it reaches Redis and the worker checks it again before it runs, so a bad payload
 * never becomes half-done work. Job ids are deterministic where a duplicate must collapse.
 */
import { z } from 'zod';
import { tenantIdSchema } from '../src/tenants/tenant.js';

const changeEventSchema = z.object({
  objectType: z.enum(['deal', 'meeting', 'call']),
  id: z.string().min(1),
  occurredAt: z.string().nullable(),
});

export const jobCatalog = {
  /** From a webhook: re-read the changed deals (and their activities) and re-evaluate them. */
  'sync-changes': z.object({
    tenant: tenantIdSchema,
    changes: z.array(changeEventSchema).min(1).max(1000),
    source: z.enum(['webhook', 'reconcile', 'admin']),
  }),
  /** Rebuild one manager-period's attainment row from the ledger. */
  recompute: z.object({
    tenant: tenantIdSchema,
    managerId: z.string().min(1),
    period: z.string().min(1),
  }),
  /** Write the tenant's dirty deals, rows and users back into the CRM, in batches. */
  'write-back': z.object({
    tenant: tenantIdSchema,
  }),
  /** Incremental pull since the tenant's cursor, with a lookback; run by a job scheduler. */
  reconcile: z.object({
    tenant: tenantIdSchema,
  }),
  /** One page of a backfill; it enqueues the next page after its checkpoint. */
  backfill: z.object({
    tenant: tenantIdSchema,
    backfillId: z.string().min(1),
    page: z.string().nullable(),
    pageNumber: z.number().int().min(0),
  }),
} as const;

export type QueueName = keyof typeof jobCatalog;
export const QUEUE_NAMES = Object.keys(jobCatalog) as QueueName[];
export type JobPayload<Q extends QueueName> = z.infer<(typeof jobCatalog)[Q]>;

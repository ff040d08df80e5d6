/**
 * What both webhook routes do once a delivery is authenticated and parsed: enqueue one
 * `sync-changes` job per tenant, resolving only when Redis holds it, so the acknowledgement that
 * follows is never ahead of durable work.
 *
 * Duplicates: the job id is derived from the delivery's own ids (Salesforce notification ids,
 * HubSpot event ids), so a redelivered batch maps to the same job; BullMQ's deduplication key with a
 * TTL covering both CRMs' 24-hour redelivery window keeps it collapsing after the first job has
 * completed and been removed. Both are checked inside BullMQ's add script: one round trip to Redis,
 * nothing per event. An event that arrives again in a differently composed batch is enqueued again,
 * which is harmless: the worker re-reads the current CRM state and writes only what changed.
 *
 * Per-event dedupe keys (`dedupe(eventId)`, SET NX PX per event) were measured and left off the ack
 * path: for a 100-event delivery they cost about 220 us of Redis CPU and 360 us of client CPU (one
 * pipelined round trip), more than the whole rest of the ack (about 330 us), and 24 hours of them
 * at the benchmark's rate would not fit in memory (about 110 bytes per key).
 */
import { createHash } from 'node:crypto';
import type { ChangeEvent } from '../../../../connectors/types.js';
import { InputError, PlayercoachError } from '../../../errors.js';
import type { Provider } from '../../../metrics.js';
import type { AppDeps } from '../../deps.js';

export const WEBHOOK_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

export function deliveryJobId(provider: Provider, tenant: string, deliveryIds: readonly string[]): string {
  const digest = createHash('sha256')
    .update([...deliveryIds].sort().join(','))
    .digest('hex')
    .slice(0, 32);
  // BullMQ job ids may not contain ':'.
  return `${provider === 'salesforce' ? 'sf' : 'hs'}-${tenant}-${digest}`;
}

export async function enqueueChanges(
  deps: Pick<AppDeps, 'queues'>,
  args: { provider: Provider; tenant: string; deliveryIds: readonly string[]; changes: ChangeEvent[] },
): Promise<void> {
  const jobId = deliveryJobId(args.provider, args.tenant, args.deliveryIds);
  await deps.queues.enqueue(
    'sync-changes',
    { tenant: args.tenant, changes: args.changes, source: 'webhook' },
    { jobId, deduplication: { id: jobId, ttl: WEBHOOK_DEDUPE_TTL_MS } },
  );
}

export type RejectReason =
  | 'unknown-tenant'
  | 'bad-secret'
  | 'org-mismatch'
  | 'unknown-portal'
  | 'signature-missing'
  | 'signature-stale'
  | 'signature-mismatch'
  | 'signature-unsupported-version'
  | 'malformed'
  | 'not-configured';

/** Counts the refusal and returns the error to throw (401 or 400 through the app's error handler). */
export function rejection(
  deps: Pick<AppDeps, 'metrics'>,
  provider: Provider,
  reason: RejectReason,
  err?: InputError,
): PlayercoachError {
  deps.metrics.webhooksRejected.inc({ provider, reason });
  if (err) return err;
  if (reason === 'not-configured') {
    return new PlayercoachError('NOT_FOUND', `${provider} webhooks are not configured on this server`);
  }
  return new PlayercoachError('UNAUTHORIZED', `webhook refused: ${UNAUTHORIZED_MESSAGE[reason] ?? reason}`);
}

// Unknown tenant and wrong secret read the same, so the answer does not tell which tenants exist.
const UNAUTHORIZED_MESSAGE: Partial<Record<RejectReason, string>> = {
  'unknown-tenant': 'unknown tenant or wrong secret',
  'bad-secret': 'unknown tenant or wrong secret',
  'org-mismatch': "OrganizationId is not this tenant's organization",
  'unknown-portal': 'portalId belongs to no tenant',
  'signature-missing': 'signature missing',
  'signature-stale': 'signature timestamp outside the 5-minute window',
  'signature-mismatch': 'signature does not match',
  'signature-unsupported-version': 'unsupported signature version',
};

/** Reads InputErrors as a 400 counted as 'malformed'; anything else passes through unchanged. */
export function asMalformed<T>(deps: Pick<AppDeps, 'metrics'>, provider: Provider, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof InputError) throw rejection(deps, provider, 'malformed', err);
    throw err;
  }
}

export function accepted(
  deps: Pick<AppDeps, 'metrics'>,
  provider: Provider,
  events: number,
  seconds: number,
) {
  deps.metrics.webhooksAccepted.inc({ provider });
  deps.metrics.webhookEvents.inc({ provider }, events);
  deps.metrics.webhookAckSeconds.observe({ provider }, seconds);
}

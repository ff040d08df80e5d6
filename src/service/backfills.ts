/**
 * Backfill control, shared by the admin API and the CLI: start (a date range, optionally a dry
 * run), pause, resume, progress. Starting needs no CRM call: it records the backfill and
 * enqueues the first page, which takes the API budget baseline; the pages chain from there
 * (jobs/backfill.job.ts).
 */
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { PipelineDeps } from '../../jobs/deps.js';
import { enqueueBackfillPage } from '../../jobs/enqueue.js';
import { isoDate, zodIssues } from '../domain/snapshot.js';
import { InputError, PlayercoachError } from '../errors.js';
import { type BackfillState, Backfills } from '../store/backfills.js';

/** No CRM access: the HTTP side starts and steers backfills; only the worker talks to the CRM. */
export type ServiceDeps = Pick<PipelineDeps, 'redis' | 'keys' | 'queues' | 'tenants' | 'now' | 'settings'>;

export const backfillRequestSchema = z
  .strictObject({
    from: isoDate,
    to: isoDate,
    dryRun: z.boolean().default(false),
    /** Deals per page (2000 is the most one Salesforce query page holds). */
    pageSize: z.number().int().min(1).max(2000).optional(),
  })
  .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['from'] });

export type BackfillRequest = z.input<typeof backfillRequestSchema>;

export const backfillIdSchema = z
  .string()
  .regex(/^bf-[a-z0-9-]{1,60}$/, 'must be a backfill id such as bf-20260301-1a2b3c');

async function tenantOf(deps: ServiceDeps, tenantId: string) {
  const tenant = await deps.tenants.get(tenantId);
  if (tenant === null) throw new PlayercoachError('NOT_FOUND', `tenant ${tenantId} does not exist`);
  return tenant;
}

function storeOf(deps: ServiceDeps, tenantId: string): Backfills {
  return new Backfills(deps.redis, deps.keys.tenant(tenantId));
}

export async function startBackfill(
  deps: ServiceDeps,
  tenantId: string,
  input: unknown,
): Promise<BackfillState> {
  const parsed = backfillRequestSchema.safeParse(input ?? {});
  if (!parsed.success) throw new InputError(zodIssues(input, parsed.error).map((m) => `backfill ${m}`));
  const tenant = await tenantOf(deps, tenantId);
  const now = DateTime.fromMillis(deps.now(), { zone: 'utc' });
  const id = `bf-${now.toFormat('yyyyLLddHHmmss')}-${randomBytes(3).toString('hex')}`;
  const state = await storeOf(deps, tenant.id).create(
    {
      id,
      from: parsed.data.from,
      to: parsed.data.to,
      dryRun: parsed.data.dryRun,
      pageSize: parsed.data.pageSize ?? deps.settings.pageSize,
    },
    // The first page takes the API budget baseline from the CRM.
    null,
    now.toISO()!,
  );
  await enqueueBackfillPage(deps, { tenant: tenant.id, backfillId: id, run: 0, pageNumber: 0, page: null });
  return state;
}

export async function backfillProgress(
  deps: ServiceDeps,
  tenantId: string,
  backfillId: string,
): Promise<BackfillState> {
  await tenantOf(deps, tenantId);
  const state = await storeOf(deps, tenantId).get(backfillId);
  if (state === null) throw new PlayercoachError('NOT_FOUND', `backfill ${backfillId} does not exist`);
  return state;
}

export async function listBackfills(deps: ServiceDeps, tenantId: string): Promise<BackfillState[]> {
  await tenantOf(deps, tenantId);
  const store = storeOf(deps, tenantId);
  const states = await Promise.all((await store.list()).map((id) => store.get(id)));
  return states.filter((s): s is BackfillState => s !== null);
}

/** `reason` is what the state and a later `--resume` show: who paused it, or what went wrong. */
export async function pauseBackfill(
  deps: ServiceDeps,
  tenantId: string,
  backfillId: string,
  reason = 'paused by an admin',
): Promise<BackfillState> {
  const state = await backfillProgress(deps, tenantId, backfillId);
  if (state.status === 'paused') return state;
  const now = new Date(deps.now()).toISOString();
  const after = await storeOf(deps, tenantId).transition(backfillId, 'running', 'paused', reason, now);
  if (after !== 'paused')
    throw new PlayercoachError(
      'CONFLICT',
      `backfill ${backfillId} is ${after}; only a running backfill can be paused`,
    );
  return backfillProgress(deps, tenantId, backfillId);
}

/**
 * Resumes from the last checkpoint with a new run number (fresh job ids) and a new API budget
 * baseline: a backfill the budget guard paused is usually resumed after the daily allowance reset.
 */
export async function resumeBackfill(
  deps: ServiceDeps,
  tenantId: string,
  backfillId: string,
): Promise<BackfillState> {
  const state = await backfillProgress(deps, tenantId, backfillId);
  if (state.status === 'running') return state;
  if (state.status !== 'paused') {
    throw new PlayercoachError(
      'CONFLICT',
      `backfill ${backfillId} is ${state.status}; only a paused backfill can be resumed`,
    );
  }
  const store = storeOf(deps, tenantId);
  // The next page takes a new baseline.
  await store.setBudget(backfillId, null);
  const now = new Date(deps.now()).toISOString();
  const after = await store.transition(backfillId, 'paused', 'running', '', now);
  if (after !== 'running') throw new PlayercoachError('CONFLICT', `backfill ${backfillId} is ${after}`);
  const s = await backfillProgress(deps, tenantId, backfillId);
  // After the last page only the final write-back is left: a job for the last committed page
  // finds its checkpoint passed and goes straight to it.
  await enqueueBackfillPage(deps, {
    tenant: tenantId,
    backfillId,
    run: s.run,
    pageNumber: s.allPagesDone ? s.pageNumber - 1 : s.pageNumber,
    page: s.page,
  });
  return s;
}

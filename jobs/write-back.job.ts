/**
 * `write-back`: send the tenant's dirty deals, rows and managers to the CRM (jobs/write-dirty.ts),
 * under the tenant lock. Retryable per-record failures stay dirty and make the job retry with
 * backoff; permanent ones are kept with their reason and do not block the rest.
 */
import { PlayercoachError } from '../src/errors.js';
import type { JobHandler } from './processor.js';
import { loadTenant } from './tenant-runtime.js';
import { writeDirty } from './write-dirty.js';

export const writeBack: JobHandler<'write-back'> = async (deps, payload, _job, log) => {
  const rt = await loadTenant(deps, payload.tenant, log);
  const outcome = await rt.exclusive(async () => {
    const ctx = await rt.orgContext({ locked: true });
    return writeDirty(deps, rt, ctx, { rows: true });
  });
  log.info(
    {
      written: outcome.written,
      unchanged: outcome.unchanged,
      failures: outcome.failures.length,
      calls: outcome.calls,
    },
    'written back',
  );
  if (outcome.retryable > 0) {
    throw new PlayercoachError('CRM_UNAVAILABLE', `${outcome.retryable} records could not be written yet`, {
      retryable: true,
    });
  }
  return { written: outcome.written, unchanged: outcome.unchanged, failures: outcome.failures.length };
};

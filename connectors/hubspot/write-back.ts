/**
 * Writing results into HubSpot: only records whose values differ from what the pull read
 * (`diffWriteBack`), and on each only the properties that differ, plus `pc_evaluated_at`
 * (stamped with the others, never a reason to write on its own). Deals go through batch update,
 * attainment rows through batch upsert on `pc_key`, 100 inputs a call. A 207's per-input errors
 * are retried when HubSpot calls them temporary and reported as failures otherwise; nothing is
 * dropped. HubSpot owners cannot hold custom properties, so the plan's user fields are not written
 * (the current-period figures are on the attainment records); the report counts them as neither
 * written nor failed, and says so in the log.
 */
import { type CrmFieldState, diffWriteBack, type WriteBackPlan } from '../../src/domain/write-back.js';
import type { Logger } from '../../src/logger.js';
import type { WriteBackReport, WriteFailure } from '../types.js';
import { classifyBatchInputError } from './classify-error.js';
import type { HubSpotApi } from './client.js';
import { attainmentToProperties, dealFieldsToProperties } from './mappers/pc-values.js';

const BATCH_WRITE = 100;
const INPUT_RETRIES = 3;

interface Input {
  id: string;
  properties: Record<string, string>;
  idProperty?: string;
}

interface BatchAnswerLike {
  results?: Array<{ id: string; properties?: Record<string, string | null> }>;
  errors?: Array<{
    category?: string;
    status?: string;
    message?: string;
    context?: Record<string, string[]>;
  }>;
}

function changedProperties(
  desired: Record<string, string>,
  now: Record<string, string> | null,
): Record<string, string> {
  if (now === null) return desired;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(desired)) if (now[k] !== v) out[k] = v;
  return out;
}

export async function writeBackToHubSpot(deps: {
  api: HubSpotApi;
  attainmentType: () => Promise<string | null>;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  desired: WriteBackPlan;
  current: CrmFieldState;
}): Promise<WriteBackReport> {
  const { api, desired, current, logger } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const plan = diffWriteBack(desired, current);
  const callsBefore = api.calls;
  const failures: WriteFailure[] = [];

  const dealInputs: Input[] = plan.deals.map((d) => {
    const desiredProps = dealFieldsToProperties(d, desired.evaluatedAt);
    const now = current.deals.get(d.dealId);
    const nowProps = now ? dealFieldsToProperties(now, desired.evaluatedAt) : null;
    // pc_evaluated_at rides along with any change; alone it never makes a write.
    return {
      id: d.dealId,
      properties: {
        ...changedProperties(desiredProps, nowProps),
        pc_evaluated_at: desiredProps['pc_evaluated_at']!,
      },
    };
  });
  const dealsWritten = await writeInputs({
    inputs: dealInputs,
    objectType: 'deal',
    send: (inputs) =>
      api.call('batch update deals', (c) =>
        // https://developers.hubspot.com/docs/api-reference/crm-deals-v3/batch/post-crm-v3-objects-deals-batch-update
        c.crm.deals.batchApi.update({ inputs: inputs.map((i) => ({ id: i.id, properties: i.properties })) }),
      ),
    failures,
    sleep,
  });

  let attainmentWritten = 0;
  if (plan.attainment.length > 0) {
    const type = await deps.attainmentType();
    if (type === null) {
      logger.warn(
        { records: plan.attainment.length },
        'hubspot portal has no pc_manager_attainment object (custom objects not allowed or not installed): attainment not written',
      );
      for (const a of plan.attainment) {
        failures.push({
          objectType: 'attainment',
          recordId: a.key,
          code: 'NOT_SUPPORTED',
          message: 'the portal has no pc_manager_attainment custom object',
          retryable: false,
        });
      }
    } else {
      const inputs: Input[] = plan.attainment.map((a) => {
        const now = current.attainment.get(a.key);
        const props = attainmentToProperties(a);
        const changed = changedProperties(props, now ? attainmentToProperties({ key: a.key, ...now }) : null);
        return { id: a.key, idProperty: 'pc_key', properties: changed };
      });
      attainmentWritten = await writeInputs({
        inputs,
        objectType: 'attainment',
        send: (batch) =>
          api.call('batch upsert attainment', (c) =>
            // https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-upsert
            c.crm.objects.batchApi.upsert(type, {
              inputs: batch.map((i) => ({ id: i.id, idProperty: 'pc_key', properties: i.properties })),
            }),
          ),
        failures,
        sleep,
      });
    }
  }
  if (plan.users.length > 0) {
    logger.debug(
      { users: plan.users.length },
      'hubspot owners hold no custom properties: user fields not written',
    );
  }
  return {
    written: { deals: dealsWritten, attainment: attainmentWritten, users: 0 },
    unchanged: {
      deals: desired.deals.length - plan.deals.length,
      attainment: desired.attainment.length - plan.attainment.length,
      users: desired.users.length - plan.users.length,
    },
    failures,
    calls: api.calls - callsBefore,
  };
}

/**
 * Sends inputs 100 a call; retries the inputs a 207 reports as temporarily failed (and those it
 * does not mention at all), up to three rounds; records the rest as failures. A whole call that
 * HubSpot refuses for good fails its inputs; a temporary one (after the API layer's own retries)
 * is thrown, since writing again later is harmless.
 */
async function writeInputs(opts: {
  inputs: Input[];
  objectType: WriteFailure['objectType'];
  send: (inputs: Input[]) => Promise<BatchAnswerLike>;
  failures: WriteFailure[];
  sleep: (ms: number) => Promise<void>;
}): Promise<number> {
  let written = 0;
  let pending = opts.inputs;
  for (let round = 0; pending.length > 0; round++) {
    const retry: Input[] = [];
    const lastRound = round >= INPUT_RETRIES;
    for (let i = 0; i < pending.length; i += BATCH_WRITE) {
      const batch = pending.slice(i, i + BATCH_WRITE);
      let answer: BatchAnswerLike;
      try {
        answer = await opts.send(batch);
      } catch (err) {
        const e = err as { retryable?: boolean; code?: string; message?: string };
        if (e.retryable) throw err;
        for (const input of batch) {
          opts.failures.push({
            objectType: opts.objectType,
            recordId: input.id,
            code: e.code ?? 'CRM_REJECTED',
            message: e.message ?? String(err),
            retryable: false,
          });
        }
        continue;
      }
      const byKey = new Map(batch.map((b) => [b.id, b]));
      const done = new Set<string>();
      for (const r of answer.results ?? []) {
        const key = resultKey(r, batch);
        if (key !== null) done.add(key);
      }
      const failed = new Set<string>();
      for (const e of answer.errors ?? []) {
        const { code, retryable } = classifyBatchInputError(e);
        for (const id of e.context?.['ids'] ?? []) {
          const input = byKey.get(id);
          if (!input || done.has(id)) continue;
          failed.add(id);
          if (retryable && !lastRound) retry.push(input);
          else {
            opts.failures.push({
              objectType: opts.objectType,
              recordId: id,
              code,
              message: e.message ?? code,
              retryable,
            });
          }
        }
      }
      written += done.size;
      for (const input of batch) {
        if (done.has(input.id) || failed.has(input.id)) continue;
        // Neither a result nor an error names it: try again rather than assume it landed.
        if (!lastRound) retry.push(input);
        else {
          opts.failures.push({
            objectType: opts.objectType,
            recordId: input.id,
            code: 'UNCONFIRMED',
            message: 'HubSpot did not report this input',
            retryable: true,
          });
        }
      }
    }
    pending = retry;
    if (pending.length > 0) await opts.sleep(200 * 2 ** round);
  }
  return written;
}

/** The key a batch result answers for: the record id, or for an upsert its pc_key value. */
function resultKey(
  r: { id: string; properties?: Record<string, string | null> },
  batch: readonly Input[],
): string | null {
  const upsertKey = r.properties?.['pc_key'];
  if (batch[0]?.idProperty === 'pc_key' && upsertKey) return upsertKey;
  return r.id;
}

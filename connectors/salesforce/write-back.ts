/**
 * Writes the records whose playercoach fields differ from what Salesforce holds:
 * - opportunities and users through sObject Collections update (200 records a call, the two
 *   types side by side in one call), attainment records through Collections upsert on PC_Key__c;
 * - a few collection calls are in flight at once, so Salesforce saves one batch while this side
 *   sends the next and reads the last answer (records of different calls never depend on each
 *   other; a failed call fails the write-back only once the others in flight have ended);
 * - an object with more than `bulkThreshold` records to write goes through one Bulk API 2.0
 *   ingest job instead (a handful of calls whatever the size);
 * - per-record failures that may pass on a second try (UNABLE_TO_LOCK_ROW) are retried in later
 *   rounds with backoff; the rest, and those still failing, come back in `failures` with the
 *   record and the reason. A spent daily budget is thrown: what was written stays written, and
 *   the next run's diff skips it.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm
 */
import type { WriteBackReport, WriteFailure } from '../../connectors/types.js';
import { type CrmFieldState, diffWriteBack, type WriteBackPlan } from '../../src/domain/write-back.js';
import type { Logger } from '../../src/logger.js';
import { ruleFor } from './classify-error.js';
import { inFlight, type SalesforceApi, withRetry } from './connection.js';
import { ATT, ATTAINMENT_OBJECT } from './custom-fields.js';
import { opportunityUpdate } from './mappers/deal.js';
import { attainmentUpsert, userUpdate } from './mappers/org.js';

export interface WriteBackSettings {
  /** Above this many records of one object, use a Bulk API 2.0 job. */
  bulkThreshold: number;
  /** Rounds for records that fail retryably (the first write included). */
  recordAttempts: number;
  bulkPollIntervalMs: number;
  bulkPollTimeoutMs: number;
  /** CurrencyIsoCode of attainment records; null in a single-currency org. */
  corporateCurrency: string | null;
  logger?: Logger;
}

type Kind = WriteFailure['objectType'];

interface Item {
  kind: Kind;
  /** The deal or user id, or the attainment key. */
  recordId: string;
  record: Record<string, unknown>;
}

interface RoundResult {
  written: Item[];
  retry: { item: Item; code: string; message: string }[];
  failed: WriteFailure[];
}

interface SaveResult {
  id?: string | null;
  success: boolean;
  errors?: { statusCode?: string; message?: string }[];
}

const COLLECTION_SIZE = 200;
/** Collection calls pending at once: Salesforce's limit on concurrent long requests is far above it. */
const COLLECTIONS_IN_FLIGHT = 3;
const OBJECT_OF: Record<Kind, string> = { deal: 'Opportunity', user: 'User', attainment: ATTAINMENT_OBJECT };

export async function writeBack(
  api: SalesforceApi,
  desired: WriteBackPlan,
  current: CrmFieldState,
  settings: WriteBackSettings,
): Promise<WriteBackReport> {
  const startCalls = api.calls;
  const plan = diffWriteBack(desired, current);
  const report: WriteBackReport = {
    written: { deals: 0, attainment: 0, users: 0 },
    unchanged: {
      deals: desired.deals.length - plan.deals.length,
      attainment: desired.attainment.length - plan.attainment.length,
      users: desired.users.length - plan.users.length,
    },
    failures: [],
    calls: 0,
  };
  let pending: Item[] = [
    ...plan.deals.map((d) => ({
      kind: 'deal' as const,
      recordId: d.dealId,
      record: opportunityUpdate(d.dealId, d, desired.evaluatedAt),
    })),
    ...plan.users.map((u) => ({
      kind: 'user' as const,
      recordId: u.userId,
      record: userUpdate(u.userId, u),
    })),
    ...plan.attainment.map((a) => ({
      kind: 'attainment' as const,
      recordId: a.key,
      record: attainmentUpsert(a.key, a, settings.corporateCurrency),
    })),
  ];

  for (let round = 1; pending.length > 0; round++) {
    if (round > 1) await new Promise((resolve) => setTimeout(resolve, api.retry.baseMs * 2 ** (round - 2)));
    const result = await writeRound(api, pending, settings);
    for (const item of result.written) {
      if (item.kind === 'deal') report.written.deals++;
      else if (item.kind === 'user') report.written.users++;
      else report.written.attainment++;
    }
    report.failures.push(...result.failed);
    if (round >= settings.recordAttempts) {
      for (const r of result.retry) report.failures.push(failure(r.item, r.code, r.message, true));
      break;
    }
    pending = result.retry.map((r) => r.item);
    if (pending.length > 0)
      settings.logger?.warn({ records: pending.length, round }, 'retrying salesforce records that failed');
  }
  report.calls = api.calls - startCalls;
  return report;
}

function failure(item: Item, code: string, message: string, retryable: boolean): WriteFailure {
  return { objectType: item.kind, recordId: item.recordId, code, message, retryable };
}

async function writeRound(
  api: SalesforceApi,
  items: Item[],
  settings: WriteBackSettings,
): Promise<RoundResult> {
  const out: RoundResult = { written: [], retry: [], failed: [] };
  const merge = (r: RoundResult) => {
    out.written.push(...r.written);
    out.retry.push(...r.retry);
    out.failed.push(...r.failed);
  };
  const byKind = (kind: Kind) => items.filter((i) => i.kind === kind);
  const updates: Item[] = [];
  for (const kind of ['deal', 'user'] as const) {
    const group = byKind(kind);
    if (group.length > settings.bulkThreshold)
      merge(await bulkWrite(api, OBJECT_OF[kind], 'update', group, settings));
    else updates.push(...group);
  }
  // Opportunities and users share calls: a collection may mix types.
  const calls: { path: string; items: Item[] }[] = [];
  for (let i = 0; i < updates.length; i += COLLECTION_SIZE)
    calls.push({ path: '/composite/sobjects', items: updates.slice(i, i + COLLECTION_SIZE) });
  const attainment = byKind('attainment');
  if (attainment.length > settings.bulkThreshold) {
    merge(await bulkWrite(api, ATTAINMENT_OBJECT, 'upsert', attainment, settings));
  } else {
    const path = `/composite/sobjects/${ATTAINMENT_OBJECT}/${ATT.key}`;
    for (let i = 0; i < attainment.length; i += COLLECTION_SIZE)
      calls.push({ path, items: attainment.slice(i, i + COLLECTION_SIZE) });
  }
  const results = await inFlight(calls, COLLECTIONS_IN_FLIGHT, (c) => collection(api, c.path, c.items));
  for (const r of results) merge(r);
  return out;
}

function sortOut(out: RoundResult, item: Item, code: string, message: string): void {
  if (ruleFor(code, message).retryable) out.retry.push({ item, code, message });
  else out.failed.push(failure(item, code, message, false));
}

/** One sObject Collections call; HTTP 200 carries per-record results in request order. */
async function collection(api: SalesforceApi, path: string, items: Item[]): Promise<RoundResult> {
  const out: RoundResult = { written: [], retry: [], failed: [] };
  const results = await api.request<SaveResult[]>('PATCH', path, {
    allOrNone: false,
    records: items.map((i) => i.record),
  });
  items.forEach((item, i) => {
    const r = results[i];
    if (r?.success === true) {
      out.written.push(item);
      return;
    }
    const e = r?.errors?.[0];
    sortOut(out, item, e?.statusCode ?? 'UNKNOWN', e?.message ?? 'no result for this record');
  });
  return out;
}

/** One Bulk API 2.0 ingest job: open, upload the CSV, close, poll, read the failed rows. */
async function bulkWrite(
  api: SalesforceApi,
  object: string,
  operation: 'update' | 'upsert',
  items: Item[],
  settings: WriteBackSettings,
): Promise<RoundResult> {
  const out: RoundResult = { written: [], retry: [], failed: [] };
  const keyField = operation === 'upsert' ? ATT.key : 'Id';
  const rows = items.map((item) => {
    const { attributes: _attributes, id, ...fields } = item.record;
    return operation === 'update' ? { Id: id, ...fields } : fields;
  });
  // An upload cannot be replayed into the same job, so a failed one starts a new job.
  const job = await withRetry(
    async () => {
      const attempt = api.conn.bulk2.createJob({
        object,
        operation,
        ...(operation === 'upsert' ? { externalIdFieldName: ATT.key } : {}),
        lineEnding: 'LF',
      });
      await attempt.open();
      try {
        await attempt.uploadData(rows as Parameters<typeof attempt.uploadData>[0]);
        await attempt.close();
      } catch (err) {
        await attempt.abort().catch((abortErr: unknown) => {
          settings.logger?.warn(
            { err: abortErr, jobId: attempt.id },
            'could not abort a failed bulk ingest job',
          );
        });
        throw err;
      }
      return attempt;
    },
    api.retry,
    settings.logger,
  );
  await withRetry(
    () => job.poll(settings.bulkPollIntervalMs, settings.bulkPollTimeoutMs),
    api.retry,
    settings.logger,
  );
  const failedRows = (await withRetry(
    () => job.getFailedResults(),
    api.retry,
    settings.logger,
  )) as unknown as Record<string, string>[];
  const failedByKey = new Map<string, string>();
  for (const row of failedRows)
    failedByKey.set(String(row[keyField] ?? row['sf__Id'] ?? ''), String(row['sf__Error'] ?? ''));
  settings.logger?.info(
    { object, records: items.length, failed: failedRows.length },
    'salesforce bulk ingest job done',
  );
  for (const item of items) {
    const error = failedByKey.get(item.kind === 'attainment' ? item.recordId : String(item.record['id']));
    if (error === undefined) {
      out.written.push(item);
      continue;
    }
    // sf__Error reads "STATUS_CODE:message:fields".
    const colon = error.indexOf(':');
    const code = colon > 0 ? error.slice(0, colon) : error;
    sortOut(out, item, code, colon > 0 ? error.slice(colon + 1).replace(/:[^:]*$/, '') : error);
  }
  return out;
}

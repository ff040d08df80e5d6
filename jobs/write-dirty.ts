/**
 * The write-back: the tenant's dirty deals (and, when asked, rows and managers) become a
 * WriteBackPlan, only what differs from what the CRM holds is sent, and then the CRM state is
 * updated and the dirty marks cleared for what was written. Runs under the tenant lock.
 *
 * No duplicate writes after a crash: the records about to be sent are recorded (as an intent)
 * before the CRM call and the intent is cleared in the same MULTI that records the CRM's new
 * values. An intent found at the start means a write-back died between the two; those records
 * are read back from the CRM first, so what already landed is not sent again.
 *
 * Failures are kept, per record, with their reason (`writeFailures`); a retryable one stays dirty
 * and makes the job retry with backoff, a permanent one is dropped from the dirty set until the
 * record's value changes again.
 */
import type { WriteBackReport, WriteFailure } from '../connectors/types.js';
import type { OrgContext } from '../src/domain/org-context.js';
import { currentPeriod } from '../src/domain/periods.js';
import type { AttainmentRow, DealEvaluation } from '../src/domain/results.js';
import {
  type AttainmentFields,
  attainmentKey,
  type DealFields,
  diffWriteBack,
  isEmptyPlan,
  type UserFields,
  type WriteBackPlan,
} from '../src/domain/write-back.js';
import { buildWriteBackPlan } from '../src/domain/write-back-plan.js';
import { runScript } from '../src/store/redis-helpers.js';
import { parseRowKey } from '../src/store/rows.js';
import type { PipelineDeps } from './deps.js';
import type { TenantRuntime } from './tenant-runtime.js';

/** Records per plan: one plan is sent before the next is built, so a crash repeats little. */
const CHUNK = 2000;
const PASSES = 5;

export interface WriteOutcome {
  written: WriteBackReport['written'];
  /** The ids of the deals written. */
  writtenDeals: string[];
  unchanged: number;
  failures: WriteFailure[];
  /** Failures that a retry may fix; the records stay dirty. */
  retryable: number;
  calls: number;
}

// KEYS: a dirty set, the hash its members' values live in. ARGV: triples of member, hash field,
// the value the write-back read ('' for none). A member is cleared only if its value is unchanged,
// so a row rebuilt while the write-back ran stays dirty for the next one.
const CLEAR_IF_SAME_LUA = `
local n = 0
for i = 1, #ARGV, 3 do
  local v = redis.call('HGET', KEYS[2], ARGV[i + 1]) or ''
  if v == ARGV[i + 2] then n = n + redis.call('SREM', KEYS[1], ARGV[i]) end
end
return n
`;

const ZERO_ROW = (managerId: string, period: string): AttainmentFields => ({
  managerId,
  period,
  quota: null,
  credited: '0.00',
  attainment: null,
  assistedDeals: 0,
  teamWonDeals: 0,
  teamWonAmount: '0.00',
});

const NO_CURRENT: UserFields = { currentAttainment: null, currentCredited: '0.00' };

export async function writeDirty(
  deps: PipelineDeps,
  rt: TenantRuntime,
  ctx: OrgContext,
  options: {
    rows: boolean;
    /**
     * Evaluations the caller just applied to the ledger under the lock it still holds, so they
     * are what the ledger holds: used as they are instead of read back and parsed again.
     */
    applied?: readonly DealEvaluation[];
  },
): Promise<WriteOutcome> {
  const { redis } = deps;
  const keys = rt.stores.keys;
  const outcome: WriteOutcome = {
    written: { deals: 0, attainment: 0, users: 0 },
    writtenDeals: [],
    unchanged: 0,
    failures: [],
    retryable: 0,
    calls: 0,
  };
  await recoverIntent(rt);
  const applied = new Map((options.applied ?? []).map((ev) => [ev.dealId, ev]));

  const attempted = new Set<string>();
  for (let pass = 0; pass < PASSES; pass++) {
    const [deals, rows, users] = await Promise.all([
      redis.smembers(keys.dirtyDeals),
      options.rows ? redis.smembers(keys.dirtyRows) : Promise.resolve([]),
      options.rows ? redis.smembers(keys.dirtyUsers) : Promise.resolve([]),
    ]);
    const fresh = (kind: string, ids: string[]) => ids.filter((id) => !attempted.has(`${kind}:${id}`));
    const todo = {
      deals: fresh('deal', deals),
      rows: fresh('attainment', rows),
      users: fresh('user', users),
    };
    if (todo.deals.length + todo.rows.length + todo.users.length === 0) break;
    for (let at = 0; ; at += CHUNK) {
      const chunk = {
        deals: todo.deals.slice(at, at + CHUNK),
        rows: todo.rows.slice(at, at + CHUNK),
        users: todo.users.slice(at, at + CHUNK),
      };
      if (chunk.deals.length + chunk.rows.length + chunk.users.length === 0) break;
      for (const id of chunk.deals) attempted.add(`deal:${id}`);
      for (const id of chunk.rows) attempted.add(`attainment:${id}`);
      for (const id of chunk.users) attempted.add(`user:${id}`);
      await writeChunk(deps, rt, ctx, chunk, applied, outcome);
    }
  }
  return outcome;
}

async function writeChunk(
  deps: PipelineDeps,
  rt: TenantRuntime,
  ctx: OrgContext,
  ids: { deals: string[]; rows: string[]; users: string[] },
  applied: ReadonlyMap<string, DealEvaluation>,
  outcome: WriteOutcome,
): Promise<void> {
  const { redis } = deps;
  const keys = rt.stores.keys;
  const asOf = new Date(deps.now()).toISOString();
  const current = currentPeriod(asOf, ctx.org.timezone, ctx.org.fiscalYearStartMonth, ctx.policy.period);
  const userRowKeys = ids.users.map((u) => attainmentKey(u, current));
  const [stored, rows, userRows, crm] = await Promise.all([
    rt.stores.ledger.get(ids.deals.filter((id) => !applied.has(id))),
    rt.stores.rows.get(ids.rows),
    rt.stores.rows.get(userRowKeys),
    rt.stores.crm.read({ deals: ids.deals, attainment: ids.rows, users: ids.users }),
  ]);
  // In the dirty set's order, as read from the ledger alone.
  const evaluations = new Map<string, DealEvaluation>();
  for (const id of ids.deals) {
    const ev = applied.get(id) ?? stored.get(id);
    if (ev !== undefined) evaluations.set(id, ev);
  }
  const plan = planFor(ctx, asOf, ids, evaluations, rows, userRows, crm.attainment);
  const desired = diffWriteBack(plan, crm);
  outcome.unchanged +=
    plan.deals.length +
    plan.attainment.length +
    plan.users.length -
    (desired.deals.length + desired.attainment.length + desired.users.length);

  const failed = new Map<string, WriteFailure>();
  if (!isEmptyPlan(desired)) {
    const intent = [
      ...desired.deals.map((d) => `deal:${d.dealId}`),
      ...desired.attainment.map((a) => `attainment:${a.key}`),
      ...desired.users.map((u) => `user:${u.userId}`),
    ];
    await redis.sadd(keys.writeIntent, ...intent);

    // The connector writes in the largest batches its CRM allows and retries what it can itself.
    const report = await rt.connector.writeBack(desired, crm);
    outcome.calls += report.calls;
    for (const f of report.failures) failed.set(`${f.objectType}:${f.recordId}`, f);

    const written = {
      deals: new Map<string, DealFields>(),
      attainment: new Map<string, AttainmentFields>(),
      users: new Map<string, UserFields>(),
    };
    for (const { dealId, ...f } of desired.deals)
      if (!failed.has(`deal:${dealId}`)) written.deals.set(dealId, f);
    for (const { key, ...f } of desired.attainment) {
      if (!failed.has(`attainment:${key}`)) written.attainment.set(key, f);
    }
    for (const { userId, ...f } of desired.users)
      if (!failed.has(`user:${userId}`)) written.users.set(userId, f);

    const tx = redis.multi();
    const record = (key: string, values: Map<string, unknown>) => {
      if (values.size === 0) return;
      tx.hset(key, ...[...values].flatMap(([id, v]) => [id, JSON.stringify(v)]));
    };
    record(keys.crmDeals, written.deals);
    record(keys.crmAttainment, written.attainment);
    record(keys.crmUsers, written.users);
    const succeeded = [
      ...[...written.deals.keys()].map((id) => `deal:${id}`),
      ...[...written.attainment.keys()].map((id) => `attainment:${id}`),
      ...[...written.users.keys()].map((id) => `user:${id}`),
    ];
    if (succeeded.length > 0) tx.hdel(keys.writeFailures, ...succeeded);
    if (failed.size > 0) {
      const at = asOf;
      tx.hset(keys.writeFailures, ...[...failed].flatMap(([k, f]) => [k, JSON.stringify({ ...f, at })]));
    }
    tx.del(keys.writeIntent);
    await tx.exec();

    outcome.written.deals += written.deals.size;
    outcome.writtenDeals.push(...written.deals.keys());
    outcome.written.attainment += written.attainment.size;
    outcome.written.users += written.users.size;
    outcome.failures.push(...failed.values());
    countMetrics(deps, rt, report, written);
  }

  // Cleared: what was written, what the CRM already held, and what failed for good.
  const keep = (kind: string, id: string) => failed.get(`${kind}:${id}`)?.retryable === true;
  outcome.retryable += [...failed.values()].filter((f) => f.retryable).length;
  // The ledger changes only under the tenant lock, which this write-back holds: no compare needed.
  const doneDeals = ids.deals.filter((id) => !keep('deal', id));
  const rowArgs: string[] = [];
  for (const key of ids.rows) {
    if (keep('attainment', key)) continue;
    const row = rows.get(key);
    rowArgs.push(key, key, row === undefined ? '' : JSON.stringify(row));
  }
  const userArgs: string[] = [];
  ids.users.forEach((userId, i) => {
    if (keep('user', userId)) return;
    const row = userRows.get(userRowKeys[i]!);
    userArgs.push(userId, userRowKeys[i]!, row === undefined ? '' : JSON.stringify(row));
  });
  if (doneDeals.length > 0) await redis.srem(keys.dirtyDeals, ...doneDeals);
  if (rowArgs.length > 0) await runScript(redis, CLEAR_IF_SAME_LUA, [keys.dirtyRows, keys.rows], rowArgs);
  if (userArgs.length > 0) await runScript(redis, CLEAR_IF_SAME_LUA, [keys.dirtyUsers, keys.rows], userArgs);
}

/**
 * The plan for these records: deal fields from the ledger, attainment records from the rows, and
 * the managers' current-period figures through the engine's own `buildWriteBackPlan`. A row the
 * ledger no longer has (its manager-period lost its last decision) is written as zeros when the
 * CRM holds a record for it, so stale credit does not stay on it.
 */
function planFor(
  ctx: OrgContext,
  asOf: string,
  ids: { deals: string[]; rows: string[]; users: string[] },
  evaluations: Map<string, DealEvaluation>,
  rows: Map<string, AttainmentRow>,
  userRows: Map<string, AttainmentRow>,
  crmAttainment: ReadonlyMap<string, AttainmentFields>,
): WriteBackPlan {
  // A dirty row can also be its manager's current-period row: give the engine each row once.
  const allRows = new Map([...rows, ...userRows]);
  const full = buildWriteBackPlan({
    ctx,
    evaluations: evaluations.values(),
    rows: [...allRows.values()],
    asOf,
  });
  const dirtyRows = new Set(ids.rows);
  const attainment = full.attainment.filter((a) => dirtyRows.has(a.key));
  for (const key of ids.rows) {
    if (!rows.has(key) && crmAttainment.has(key)) {
      const { managerId, period } = parseRowKey(key);
      attainment.push({ key, ...ZERO_ROW(managerId, period) });
    }
  }
  const userFields = new Map(full.users.map(({ userId, ...f }) => [userId, f]));
  return {
    evaluatedAt: asOf,
    deals: full.deals,
    attainment,
    users: ids.users.map((userId) => ({ userId, ...(userFields.get(userId) ?? NO_CURRENT) })),
  };
}

/**
 * A write-back that died between the CRM call and the Redis update left its intent behind: read
 * those records back from the CRM, so the values that did land count as written.
 */
async function recoverIntent(rt: TenantRuntime): Promise<void> {
  const intent = await rt.stores.crm.intent();
  if (intent.length === 0) return;
  rt.log.warn(
    { records: intent.length },
    'a write-back was interrupted; reading those records back from the CRM',
  );
  const dealIds = intent.filter((k) => k.startsWith('deal:')).map((k) => k.slice('deal:'.length));
  if (dealIds.length > 0) {
    const batch = await rt.connector.pullDeals(dealIds, rt.pullOptions);
    await rt.stores.crm.record({ deals: batch.current });
  }
  if (intent.some((k) => !k.startsWith('deal:'))) {
    const org = await rt.connector.pullOrg();
    await rt.stores.crm.record({ attainment: org.current.attainment, users: org.current.users });
  }
  await rt.stores.crm.clearIntent();
}

function countMetrics(
  deps: PipelineDeps,
  rt: TenantRuntime,
  report: WriteBackReport,
  written: { deals: Map<string, unknown>; attainment: Map<string, unknown>; users: Map<string, unknown> },
) {
  if (!deps.metrics) return;
  const provider = rt.tenant.kind;
  deps.metrics.recordsWritten.inc({ provider, object: 'deal' }, written.deals.size);
  deps.metrics.recordsWritten.inc({ provider, object: 'attainment' }, written.attainment.size);
  deps.metrics.recordsWritten.inc({ provider, object: 'user' }, written.users.size);
  for (const f of report.failures) deps.metrics.crmErrors.inc({ provider, code: f.code });
}

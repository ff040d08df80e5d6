/**
 * Backfill state, checkpoint and progress, one HASH per backfill. A page is committed in one Lua
 * step that advances the checkpoint (the connector's page token and the next page number) and
 * adds the page's counters only if the checkpoint is still at that page, so a page run twice
 * (a worker killed after the commit, a duplicate job) counts once and never moves the checkpoint
 * back. `run` grows on every resume and is part of the page job ids, so a resumed backfill gets
 * fresh job ids while a stale job of an earlier run sees it is stale and stops.
 */
import type { Redis } from 'ioredis';
import type { TenantKeys } from './keys.js';
import { runScript } from './redis-helpers.js';

export const BACKFILL_STATES = ['running', 'paused', 'completed', 'failed'] as const;
export type BackfillStatus = (typeof BACKFILL_STATES)[number];

export interface BackfillSpec {
  id: string;
  from: string;
  to: string;
  dryRun: boolean;
  pageSize: number;
}

export interface BackfillCounters {
  dealsPulled: number;
  dealsEvaluated: number;
  dealsWritten: number;
  /** API calls the backfill made (pulls and writes), as the CRM's usage counter moved. */
  apiCalls: number;
}

export interface BackfillBudget {
  /** Remaining daily calls the CRM reported when the backfill started. */
  remainingAtStart: number;
  usedAtStart: number;
  /** Calls the backfill may use: the budget share of `remainingAtStart`. */
  allowed: number;
}

export interface BackfillState extends BackfillSpec, BackfillCounters {
  status: BackfillStatus;
  /** Why it is paused or failed (an admin, the API budget guard, an error). */
  reason: string | null;
  run: number;
  /** The checkpoint: the page token of the next page (null for the first) and its number. */
  page: string | null;
  pageNumber: number;
  /** The last page has been committed: what is left is the final write-back (or the dry-run diff). */
  allPagesDone: boolean;
  pages: number;
  /** The most calls one page has cost so far; the budget guard stops before the next page would overrun. */
  maxPageCalls: number;
  budget: BackfillBudget | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** Dry runs only: the diff against the CRM, once complete. */
  diff: unknown;
}

const COUNTERS = ['dealsPulled', 'dealsEvaluated', 'dealsWritten', 'apiCalls'] as const;

// KEYS: the backfill hash. ARGV: page number committed, next token ('' none), next is last ('1'/'0'),
// page calls, now, then counter name/increment pairs.
const COMMIT_PAGE_LUA = `
if redis.call('HGET', KEYS[1], 'pageNumber') ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'page', ARGV[2], 'pageNumber', tostring(n + 1), 'updatedAt', ARGV[5])
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'lastPage', '1') end
redis.call('HINCRBY', KEYS[1], 'pages', 1)
local calls = tonumber(ARGV[4])
if calls > tonumber(redis.call('HGET', KEYS[1], 'maxPageCalls') or '0') then
  redis.call('HSET', KEYS[1], 'maxPageCalls', ARGV[4])
end
for i = 6, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`;

// KEYS: the backfill hash. ARGV: from status, to status, reason, now, bump run ('1'/'0').
const TRANSITION_LUA = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return false end
if status ~= ARGV[1] then return status end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'reason', ARGV[3], 'updatedAt', ARGV[4])
if ARGV[5] == '1' then redis.call('HINCRBY', KEYS[1], 'run', 1) end
return ARGV[2]
`;

export class Backfills {
  constructor(
    private readonly redis: Redis,
    private readonly keys: TenantKeys,
  ) {}

  async create(spec: BackfillSpec, budget: BackfillBudget | null, now: string): Promise<BackfillState> {
    const key = this.keys.backfill(spec.id);
    const fields: Record<string, string> = {
      id: spec.id,
      from: spec.from,
      to: spec.to,
      dryRun: spec.dryRun ? '1' : '0',
      pageSize: String(spec.pageSize),
      status: 'running',
      reason: '',
      run: '0',
      page: '',
      pageNumber: '0',
      lastPage: '0',
      pages: '0',
      maxPageCalls: '0',
      dealsPulled: '0',
      dealsEvaluated: '0',
      dealsWritten: '0',
      apiCalls: '0',
      budget: budget === null ? '' : JSON.stringify(budget),
      createdAt: now,
      updatedAt: now,
      finishedAt: '',
      diff: '',
    };
    await this.redis.multi().hset(key, fields).zadd(this.keys.backfills, Date.parse(now), spec.id).exec();
    return parseState(fields);
  }

  async get(id: string): Promise<BackfillState | null> {
    const h = await this.redis.hgetall(this.keys.backfill(id));
    return h.status === undefined ? null : parseState(h);
  }

  /** Backfill ids, newest first. */
  list(): Promise<string[]> {
    return this.redis.zrevrange(this.keys.backfills, 0, -1);
  }

  /** True when this call advanced the checkpoint past `pageNumber`; false when it already was. */
  async commitPage(
    id: string,
    pageNumber: number,
    next: string | null,
    counters: Partial<BackfillCounters>,
    pageCalls: number,
    now: string,
  ): Promise<boolean> {
    const args: string[] = [
      String(pageNumber),
      next ?? '',
      next === null ? '1' : '0',
      String(pageCalls),
      now,
    ];
    for (const name of COUNTERS) {
      const by = counters[name];
      if (by) args.push(name, String(by));
    }
    return (await runScript(this.redis, COMMIT_PAGE_LUA, [this.keys.backfill(id)], args)) === 1;
  }

  /** A new budget baseline, taken when a backfill resumes (the daily allowance may have been reset). */
  async setBudget(id: string, budget: BackfillBudget | null): Promise<void> {
    await this.redis.hset(this.keys.backfill(id), 'budget', budget === null ? '' : JSON.stringify(budget));
  }

  async add(id: string, counters: Partial<BackfillCounters>): Promise<void> {
    const pipe = this.redis.multi();
    for (const name of COUNTERS) {
      const by = counters[name];
      if (by) pipe.hincrby(this.keys.backfill(id), name, by);
    }
    await pipe.exec();
  }

  /**
   * Moves the backfill from one status to another; returns the status it has afterwards, or null
   * when there is no such backfill. A backfill in another status than `from` is left alone.
   */
  async transition(
    id: string,
    from: BackfillStatus,
    to: BackfillStatus,
    reason: string,
    now: string,
  ): Promise<BackfillStatus | null> {
    const bumpRun = from === 'paused' && to === 'running' ? '1' : '0';
    const result = await runScript(
      this.redis,
      TRANSITION_LUA,
      [this.keys.backfill(id)],
      [from, to, reason, now, bumpRun],
    );
    return result === null ? null : (result as BackfillStatus);
  }

  async finish(id: string, status: 'completed' | 'failed', reason: string, diff: unknown, now: string) {
    await this.redis.hset(this.keys.backfill(id), {
      status,
      reason,
      updatedAt: now,
      finishedAt: now,
      ...(diff === undefined ? {} : { diff: JSON.stringify(diff) }),
    });
  }
}

function parseState(h: Record<string, string>): BackfillState {
  const num = (k: string) => Number(h[k] ?? '0');
  return {
    id: h.id!,
    from: h.from!,
    to: h.to!,
    dryRun: h.dryRun === '1',
    pageSize: num('pageSize'),
    status: h.status as BackfillStatus,
    reason: h.reason ? h.reason : null,
    run: num('run'),
    page: h.page ? h.page : null,
    pageNumber: num('pageNumber'),
    allPagesDone: h.lastPage === '1',
    pages: num('pages'),
    maxPageCalls: num('maxPageCalls'),
    dealsPulled: num('dealsPulled'),
    dealsEvaluated: num('dealsEvaluated'),
    dealsWritten: num('dealsWritten'),
    apiCalls: num('apiCalls'),
    budget: h.budget ? (JSON.parse(h.budget) as BackfillBudget) : null,
    createdAt: h.createdAt!,
    updatedAt: h.updatedAt!,
    finishedAt: h.finishedAt ? h.finishedAt : null,
    diff: h.diff ? JSON.parse(h.diff) : null,
  };
}

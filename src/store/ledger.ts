/**
 * The ledger: the latest DealEvaluation of every deal of a tenant, and for every manager-period
 * the set of deals whose evaluation touches it. A changed deal replaces its own entry and moves
 * between the manager-period sets of its old and new evaluation, so the rows to rebuild are
 * exactly the ones those two evaluations touch (DESIGN.md "The flow", 3).
 *
 * `apply` is one Lua script per chunk of deals, atomic like a MULTI, with a compare-and-set on
 * each deal's entry: the caller reads the entries, works out the old manager-periods with the
 * engine's own `touchedManagerPeriods`, and the script applies a deal only if its entry is still
 * the one that was read (a SHA-1 of it), so two workers applying the same deal never leave it in
 * the sets of an evaluation that is no longer there. A WATCH on the whole ledger hash would abort
 * on any other deal's change; the per-deal check only retries the deals that really raced.
 * Applying an evaluation equal to the stored one writes nothing and marks nothing.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type ManagerPeriod, touchedManagerPeriods } from '../domain/attainment.js';
import type { DealEvaluation } from '../domain/results.js';
import { attainmentKey } from '../domain/write-back.js';
import { PlayercoachError } from '../errors.js';
import type { TenantKeys } from './keys.js';
import { runScript } from './redis-helpers.js';

/** Deals per script call: keeps each call short so Redis serves others in between. */
const CHUNK = 500;
const MAX_ROUNDS = 20;

// KEYS: ledger, dirtyDeals, pendingRows, then the manager-period set of every member in ARGV order.
// ARGV: count, then per deal: id, sha of the entry read ('' when none), new JSON ('' to remove),
// number of old and of new manager-periods, their `<managerId>:<period>` members (old, then new).
const APPLY_LUA = `
local ledger, dirty, pending = KEYS[1], KEYS[2], KEYS[3]
local k, i = 4, 2
local conflicts = {}
for _ = 1, tonumber(ARGV[1]) do
  local id, expected, value = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local nOld, nNew = tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
  i = i + 5
  local current = redis.call('HGET', ledger, id)
  local sha = ''
  if current then sha = redis.sha1hex(current) end
  if sha ~= expected then
    conflicts[#conflicts + 1] = id
  else
    for j = 0, nOld - 1 do
      redis.call('SREM', KEYS[k + j], id)
      redis.call('SADD', pending, ARGV[i + j])
    end
    for j = nOld, nOld + nNew - 1 do
      redis.call('SADD', KEYS[k + j], id)
      redis.call('SADD', pending, ARGV[i + j])
    end
    if value == '' then
      redis.call('HDEL', ledger, id)
    else
      redis.call('HSET', ledger, id, value)
      redis.call('SADD', dirty, id)
    end
  end
  k = k + nOld + nNew
  i = i + nOld + nNew
end
return conflicts
`;

/** Ledger entries per HMGET when reading many: see readEvaluations. */
const READ_CHUNK = 2000;

/**
 * The stored evaluations of these deals (absent ones left out). Many are read in chunks sent
 * together and parsed as each reply lands, so Redis answers the next chunk while this process
 * parses the last, and no reply holds a large org's whole ledger at once (the end of a backfill
 * reads every deal it touched).
 */
export async function readEvaluations(
  redis: Redis,
  keys: TenantKeys,
  dealIds: readonly string[],
): Promise<Map<string, DealEvaluation>> {
  const out = new Map<string, DealEvaluation>();
  const replies: Promise<(string | null)[]>[] = [];
  for (let at = 0; at < dealIds.length; at += READ_CHUNK)
    replies.push(redis.hmget(keys.ledger, ...dealIds.slice(at, at + READ_CHUNK)));
  // The first failed reply is thrown below; marking each as handled keeps a later one from
  // rejecting unobserved meanwhile.
  for (const reply of replies) reply.catch(() => {});
  for (let c = 0; c < replies.length; c++) {
    const raw = await replies[c]!;
    const at = c * READ_CHUNK;
    raw.forEach((json, i) => {
      if (json !== null) out.set(dealIds[at + i]!, JSON.parse(json) as DealEvaluation);
    });
  }
  return out;
}

export interface ApplyResult {
  /** Deals whose entry changed (added, replaced or removed). */
  changed: string[];
  /** Every manager-period the old or new evaluation of a changed deal touches, each once, sorted. */
  touched: ManagerPeriod[];
}

interface Change {
  id: string;
  expected: string;
  value: string;
  old: ManagerPeriod[];
  next: ManagerPeriod[];
}

function sha1(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

export class Ledger {
  constructor(
    private readonly redis: Redis,
    private readonly keys: TenantKeys,
  ) {}

  /** Stores these evaluations; an evaluation equal to the stored one changes nothing. */
  apply(evaluations: readonly DealEvaluation[]): Promise<ApplyResult> {
    const wanted = new Map<string, string>();
    const parsed = new Map<string, DealEvaluation>();
    for (const ev of evaluations) {
      wanted.set(ev.dealId, JSON.stringify(ev));
      parsed.set(ev.dealId, ev);
    }
    return this.write(wanted, parsed);
  }

  /** Removes deals that no longer exist in the CRM; their manager-periods are rebuilt without them. */
  remove(dealIds: readonly string[]): Promise<ApplyResult> {
    return this.write(new Map(dealIds.map((id) => [id, ''])));
  }

  get(dealIds: readonly string[]): Promise<Map<string, DealEvaluation>> {
    return readEvaluations(this.redis, this.keys, dealIds);
  }

  /** The evaluations of the deals in one manager-period's set. */
  async dealsIn(managerId: string, period: string): Promise<DealEvaluation[]> {
    const ids = await this.redis.smembers(this.keys.managerPeriod(managerId, period));
    return [...(await this.get(ids)).values()];
  }

  /** Every evaluation, in pages (HSCAN), for a full recompute, a dry-run diff or a test. */
  async *scan(): AsyncGenerator<DealEvaluation[]> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.ledger, cursor, 'COUNT', 1000);
      cursor = next;
      const page: DealEvaluation[] = [];
      for (let i = 1; i < flat.length; i += 2) page.push(JSON.parse(flat[i]!) as DealEvaluation);
      if (page.length > 0) yield page;
    } while (cursor !== '0');
  }

  async all(): Promise<DealEvaluation[]> {
    const out: DealEvaluation[] = [];
    for await (const page of this.scan()) out.push(...page);
    return out;
  }

  count(): Promise<number> {
    return this.redis.hlen(this.keys.ledger);
  }

  /** `parsed`: the evaluations `wanted` holds as JSON, when the caller has them (no parse again). */
  private async write(
    wanted: Map<string, string>,
    parsed: ReadonlyMap<string, DealEvaluation> = new Map(),
  ): Promise<ApplyResult> {
    const changed: string[] = [];
    const touched = new Map<string, ManagerPeriod>();
    let ids = [...wanted.keys()];
    for (let round = 0; ids.length > 0; round++) {
      if (round === MAX_ROUNDS) {
        throw new PlayercoachError(
          'CONFLICT',
          `ledger: ${ids.length} deals kept changing under this update`,
          {
            retryable: true,
          },
        );
      }
      const conflicts: string[] = [];
      for (let start = 0; start < ids.length; start += CHUNK) {
        const chunk = ids.slice(start, start + CHUNK);
        const current = await this.redis.hmget(this.keys.ledger, ...chunk);
        const changes: Change[] = [];
        chunk.forEach((id, i) => {
          const before = current[i] ?? null;
          const value = wanted.get(id)!;
          if ((before ?? '') === value) return;
          changes.push({
            id,
            expected: before === null ? '' : sha1(before),
            value,
            old: before === null ? [] : touchedManagerPeriods(JSON.parse(before) as DealEvaluation),
            next:
              value === ''
                ? []
                : touchedManagerPeriods(parsed.get(id) ?? (JSON.parse(value) as DealEvaluation)),
          });
        });
        if (changes.length === 0) continue;
        const lost = new Set(await this.runApply(changes));
        for (const c of changes) {
          if (lost.has(c.id)) {
            conflicts.push(c.id);
            continue;
          }
          changed.push(c.id);
          for (const mp of [...c.old, ...c.next]) touched.set(attainmentKey(mp.managerId, mp.period), mp);
        }
      }
      ids = conflicts;
    }
    return {
      changed,
      touched: [...touched.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, mp]) => mp),
    };
  }

  private async runApply(changes: readonly Change[]): Promise<string[]> {
    const keys = [this.keys.ledger, this.keys.dirtyDeals, this.keys.pendingRows];
    const args: string[] = [String(changes.length)];
    for (const c of changes) {
      args.push(c.id, c.expected, c.value, String(c.old.length), String(c.next.length));
      for (const mp of [...c.old, ...c.next]) {
        keys.push(this.keys.managerPeriod(mp.managerId, mp.period));
        args.push(attainmentKey(mp.managerId, mp.period));
      }
    }
    return (await runScript(this.redis, APPLY_LUA, keys, args)) as string[];
  }
}

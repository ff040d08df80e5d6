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
 *
 * Each entry's RowContribution is written and removed with it, in the same script
 * (src/store/contributions.ts), for the rows rebuild to read.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type ManagerPeriod, type RowContribution, touchedManagerPeriods } from '../domain/attainment.js';
import type { DealEvaluation } from '../domain/results.js';
import { attainmentKey } from '../domain/write-back.js';
import { PlayercoachError } from '../errors.js';
import { contributionJson, parseContribution } from './contributions.js';
import type { TenantKeys } from './keys.js';
import { readHash, runScript } from './redis-helpers.js';

/** Deals per script call: keeps each call short so Redis serves others in between. */
const CHUNK = 500;
const MAX_ROUNDS = 20;

// KEYS: ledger, ledgerContributions, dirtyDeals, pendingRows, then the set of each manager-period
// the chunk touches, once each. ARGV[1]: JSON array of those manager-periods' `<managerId>:<period>`
// members, in KEYS order. ARGV[2]: JSON array, per deal, of [id, sha of the entry read ('' when
// none), [old manager-periods], [new manager-periods]], each a 1-based place in ARGV[1]. Then per
// deal its new JSON ('' to remove) and its contribution JSON. Ids and places travel as two JSON
// arguments rather than as thousands of small ones: ioredis joins every argument of a command into
// one string, and the small ones came to 300 MB of allocation over a 100k-deal backfill.
const APPLY_LUA = `
local ledger, contributions, dirty, pending = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local rows = cjson.decode(ARGV[1])
local deals = cjson.decode(ARGV[2])
local conflicts = {}
local touched = {}
for j, d in ipairs(deals) do
  local id, expected = d[1], d[2]
  local value, contribution = ARGV[1 + 2 * j], ARGV[2 + 2 * j]
  local current = redis.call('HGET', ledger, id)
  local sha = ''
  if current then sha = redis.sha1hex(current) end
  if sha ~= expected then
    conflicts[#conflicts + 1] = id
  else
    for _, r in ipairs(d[3]) do
      redis.call('SREM', KEYS[4 + r], id)
      touched[r] = true
    end
    for _, r in ipairs(d[4]) do
      redis.call('SADD', KEYS[4 + r], id)
      touched[r] = true
    end
    if value == '' then
      redis.call('HDEL', ledger, id)
      redis.call('HDEL', contributions, id)
    else
      redis.call('HSET', ledger, id, value)
      redis.call('HSET', contributions, id, contribution)
      redis.call('SADD', dirty, id)
    end
  end
end
for r in pairs(touched) do redis.call('SADD', pending, rows[r]) end
return conflicts
`;

/** The stored evaluations of these deals (absent ones left out). */
export function readEvaluations(
  redis: Redis,
  keys: TenantKeys,
  dealIds: readonly string[],
): Promise<Map<string, DealEvaluation>> {
  return readHash(redis, keys.ledger, dealIds, (json) => JSON.parse(json) as DealEvaluation);
}

/**
 * What these deals' ledger entries contribute to attainment rows (deals not in the ledger left
 * out): the contributions kept beside the entries, and the evaluation itself for an entry written
 * before those were kept.
 */
export async function readContributions(
  redis: Redis,
  keys: TenantKeys,
  dealIds: readonly string[],
): Promise<Map<string, RowContribution>> {
  const out: Map<string, RowContribution> = await readHash(
    redis,
    keys.ledgerContributions,
    dealIds,
    parseContribution,
  );
  if (out.size === dealIds.length) return out;
  const missing = dealIds.filter((id) => !out.has(id));
  for (const [id, ev] of await readEvaluations(redis, keys, missing)) out.set(id, ev);
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
  /** contributionJson of the new value; '' when it is removed. */
  contribution: string;
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
          const ev = value === '' ? null : (parsed.get(id) ?? (JSON.parse(value) as DealEvaluation));
          changes.push({
            id,
            expected: before === null ? '' : sha1(before),
            value,
            contribution: ev === null ? '' : contributionJson(ev),
            old: before === null ? [] : touchedManagerPeriods(JSON.parse(before) as DealEvaluation),
            next: ev === null ? [] : touchedManagerPeriods(ev),
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
    const keys = [
      this.keys.ledger,
      this.keys.ledgerContributions,
      this.keys.dirtyDeals,
      this.keys.pendingRows,
    ];
    const rows: string[] = [];
    const places = new Map<string, number>();
    const place = (mp: ManagerPeriod): number => {
      const row = attainmentKey(mp.managerId, mp.period);
      let at = places.get(row);
      if (at === undefined) {
        rows.push(row);
        at = rows.length;
        places.set(row, at);
        keys.push(this.keys.managerPeriod(mp.managerId, mp.period));
      }
      return at;
    };
    const deals = changes.map((c) => [c.id, c.expected, c.old.map(place), c.next.map(place)]);
    const args: string[] = [JSON.stringify(rows), JSON.stringify(deals)];
    for (const c of changes) args.push(c.value, c.contribution);
    return (await runScript(this.redis, APPLY_LUA, keys, args)) as string[];
  }
}

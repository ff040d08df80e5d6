/**
 * CRM v3 search (spec: `POST /crm/v3/objects/{objectType}/search`, PublicObjectSearchRequest):
 * filter groups ORed, filters within a group ANDed, within HubSpot's caps (5 groups, 10 filters a
 * group, 25 in all), one sort, `limit` <= 200, `after` an offset, and a 400 for any page reaching
 * past the 10,000th result. `total` counts every match. Datetime filters take epoch-ms strings (or
 * ISO). The per-second limit of search is enforced in limits.ts.
 */
import type { RouteModule } from '../context.js';
import {
  compareIds,
  type HsRecord,
  type PortalStore,
  SandboxInputError,
  toEpochMs,
} from '../portal-store.js';
import { serializeRecord } from '../serialize.js';

const MAX_GROUPS = 5;
const MAX_FILTERS_PER_GROUP = 10;
const MAX_FILTERS = 25;
const MAX_LIMIT = 200;
const MAX_RESULTS = 10_000;

interface Filter {
  propertyName: string;
  operator: string;
  value?: string | number | boolean;
  highValue?: string | number;
  values?: Array<string | number>;
}
interface SearchBody {
  filterGroups?: Array<{ filters?: Filter[] }>;
  sorts?: Array<string | { propertyName: string; direction?: string }>;
  properties?: string[];
  limit?: number;
  after?: string | number;
  query?: string;
}

type Kind = 'number' | 'string';

/**
 * The matches of the last few queries, keyed by type, store version and filters: paging through
 * one query (`after` = 200, 400, ...) scans the portal once, not once per page. Any change to the
 * type's records changes the version, so a cached answer is never stale.
 */
const MATCH_CACHE_SIZE = 8;
const matchCaches = new WeakMap<PortalStore, Map<string, HsRecord[]>>();

/** Parsed numeric values per record, keyed by the raw string so an update never serves a stale one. */
const numericCache = new WeakMap<HsRecord, Map<string, [string, number | null]>>();

function numeric(record: HsRecord, name: string, raw: string | null): number | null {
  if (raw === null || raw === '') return null;
  let cache = numericCache.get(record);
  if (!cache) {
    cache = new Map();
    numericCache.set(record, cache);
  }
  const hit = cache.get(name);
  if (hit && hit[0] === raw) return hit[1];
  const value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : toEpochMs(raw);
  cache.set(name, [raw, value]);
  return value;
}

function kindOf(store: PortalStore, type: string, name: string): Kind {
  const def = store.properties(type).get(name);
  if (!def) return 'string';
  return def.type === 'number' || def.type === 'datetime' || def.type === 'date' ? 'number' : 'string';
}

function parseFilterValue(kind: Kind, value: unknown): number | string {
  if (kind === 'string') return String(value).toLowerCase();
  const s = String(value);
  const n = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : toEpochMs(s);
  if (n === null) throw new SandboxInputError('VALIDATION_ERROR', `${s} is not a valid number or date`);
  return n;
}

function compile(store: PortalStore, type: string, filter: Filter): (r: HsRecord) => boolean {
  const name = filter.propertyName;
  if (!name) throw new SandboxInputError('VALIDATION_ERROR', 'filter.propertyName is required');
  const kind = kindOf(store, type, name);
  const get = (r: HsRecord): number | string | null => {
    const raw = r.properties[name] ?? null;
    if (kind === 'number') return numeric(r, name, raw);
    return raw === null || raw === '' ? null : raw.toLowerCase();
  };
  const op = filter.operator;
  switch (op) {
    case 'HAS_PROPERTY':
      return (r) => get(r) !== null;
    case 'NOT_HAS_PROPERTY':
      return (r) => get(r) === null;
    case 'IN':
    case 'NOT_IN': {
      if (!Array.isArray(filter.values))
        throw new SandboxInputError('VALIDATION_ERROR', `${op} needs values`);
      const set = new Set(filter.values.map((v) => parseFilterValue(kind, v)));
      return op === 'IN'
        ? (r) => {
            const v = get(r);
            return v !== null && set.has(v);
          }
        : (r) => {
            const v = get(r);
            return v === null || !set.has(v);
          };
    }
    case 'BETWEEN': {
      const low = parseFilterValue(kind, filter.value);
      const high = parseFilterValue(kind, filter.highValue);
      return (r) => {
        const v = get(r);
        return v !== null && v >= low && v <= high;
      };
    }
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const token = String(filter.value ?? '')
        .toLowerCase()
        .replace(/\*/g, '');
      const has = (r: HsRecord) => String(get(r) ?? '').includes(token);
      return op === 'CONTAINS_TOKEN' ? has : (r) => !has(r);
    }
    case 'EQ':
    case 'NEQ':
    case 'LT':
    case 'LTE':
    case 'GT':
    case 'GTE': {
      if (filter.value === undefined) throw new SandboxInputError('VALIDATION_ERROR', `${op} needs a value`);
      const target = parseFilterValue(kind, filter.value);
      const cmp = (r: HsRecord): number | null => {
        const v = get(r);
        if (v === null) return null;
        if (name === 'hs_object_id') return compareIds(String(v), String(target));
        return v < target ? -1 : v > target ? 1 : 0;
      };
      const test: Record<string, (c: number) => boolean> = {
        EQ: (c) => c === 0,
        NEQ: (c) => c !== 0,
        LT: (c) => c < 0,
        LTE: (c) => c <= 0,
        GT: (c) => c > 0,
        GTE: (c) => c >= 0,
      };
      const check = test[op]!;
      return (r) => {
        const c = cmp(r);
        return c === null ? op === 'NEQ' : check(c);
      };
    }
    default:
      throw new SandboxInputError('VALIDATION_ERROR', `Unknown filter operator ${String(op)}`);
  }
}

function parseSort(sorts: SearchBody['sorts']): { name: string; desc: boolean } | null {
  if (!sorts || sorts.length === 0) return null;
  if (sorts.length > 1) throw new SandboxInputError('VALIDATION_ERROR', 'Only one sort is allowed');
  const s = sorts[0]!;
  if (typeof s === 'string')
    return s.startsWith('-') ? { name: s.slice(1), desc: true } : { name: s, desc: false };
  return {
    name: s.propertyName,
    desc: String(s.direction ?? 'ASCENDING')
      .toUpperCase()
      .startsWith('DESC'),
  };
}

export const searchRoutes: RouteModule = (app, { store }) => {
  app.post<{ Params: { objectType: string }; Body: SearchBody }>(
    '/crm/v3/objects/:objectType/search',
    async (req) => {
      const type = store.resolveType(req.params.objectType);
      const body = req.body ?? {};
      const groups = body.filterGroups ?? [];
      if (groups.length > MAX_GROUPS) {
        throw new SandboxInputError('VALIDATION_ERROR', `Too many filter groups (max ${MAX_GROUPS})`);
      }
      let total = 0;
      for (const g of groups) {
        const n = g.filters?.length ?? 0;
        if (n > MAX_FILTERS_PER_GROUP) {
          throw new SandboxInputError(
            'VALIDATION_ERROR',
            `Too many filters in a group (max ${MAX_FILTERS_PER_GROUP})`,
          );
        }
        total += n;
      }
      if (total > MAX_FILTERS)
        throw new SandboxInputError('VALIDATION_ERROR', `Too many filters (max ${MAX_FILTERS})`);
      const limit = body.limit ?? 10;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new SandboxInputError('VALIDATION_ERROR', `limit must be between 1 and ${MAX_LIMIT}`);
      }
      const offset = body.after === undefined || body.after === '' ? 0 : Number(body.after);
      if (!Number.isInteger(offset) || offset < 0)
        throw new SandboxInputError('VALIDATION_ERROR', 'after must be an offset');
      if (offset + limit > MAX_RESULTS) {
        throw new SandboxInputError(
          'VALIDATION_ERROR',
          `The search cannot page past ${MAX_RESULTS} results; narrow the filters instead.`,
        );
      }
      const sort = parseSort(body.sorts);
      const cacheKey = `${type}|${store.version(type)}|${JSON.stringify([groups, body.sorts ?? null])}`;
      let matchCache = matchCaches.get(store);
      if (!matchCache) {
        matchCache = new Map();
        matchCaches.set(store, matchCache);
      }
      const matches = matchCache.get(cacheKey) ?? findMatches(store, type, groups, sort);
      matchCache.delete(cacheKey);
      matchCache.set(cacheKey, matches);
      while (matchCache.size > MATCH_CACHE_SIZE) matchCache.delete(matchCache.keys().next().value!);
      const page = matches.slice(offset, offset + limit);
      const next = offset + limit < matches.length ? String(offset + limit) : null;
      return {
        total: matches.length,
        results: page.map((r) => serializeRecord(store, type, r, body.properties)),
        ...(next === null ? {} : { paging: { next: { after: next } } }),
      };
    },
  );
};

function findMatches(
  store: PortalStore,
  type: string,
  groups: NonNullable<SearchBody['filterGroups']>,
  sort: { name: string; desc: boolean } | null,
): HsRecord[] {
  const compiled = groups.map((g) => (g.filters ?? []).map((f) => compile(store, type, f)));
  const matches: HsRecord[] = [];
  for (const record of store.all(type).values()) {
    if (record.archived) continue;
    if (compiled.length > 0 && !compiled.some((fs) => fs.every((f) => f(record)))) continue;
    matches.push(record);
  }
  if (sort && sort.name !== 'hs_object_id') {
    const kind = kindOf(store, type, sort.name);
    const key = (r: HsRecord) => {
      const raw = r.properties[sort.name] ?? null;
      return kind === 'number' ? numeric(r, sort.name, raw) : raw;
    };
    matches.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = ka === kb ? 0 : ka === null ? 1 : kb === null ? -1 : ka < kb ? -1 : 1;
      return (sort.desc ? -c : c) || compareIds(a.id, b.id);
    });
  } else if (sort?.desc) {
    matches.reverse();
  }
  return matches;
}

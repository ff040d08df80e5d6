/**
 * The next backfill page, pulled while this one is applied and written back, so the CRM answers
 * the next page's queries while this worker evaluates and writes (a backfill would otherwise
 * take turns: pull, evaluate, write, pull...). Kept in this worker's memory only, one per tenant.
 *
 * The pull is started under a page's hold of the tenant lock and ends before that hold does, so
 * it is a read made inside that step. The next page's job uses it only when it is exactly the
 * page its checkpoint asks for (backfill, run, page number, page token, page size, tenant
 * settings) and its own hold of the lock is the very next one (the lock's fence): then no other
 * step of the tenant (a webhook's sync, a write-back) ran in between whose effects the pulled
 * page could miss. Deals this worker wrote after the pull started keep what the write-back
 * recorded rather than what the pull read. Anything else (another worker takes the job, the
 * worker restarts, the backfill is paused, the pull failed) drops it and the page is pulled
 * again, so the checkpoint and what ends in the CRM do not depend on it.
 */
import type { DealPage } from '../connectors/types.js';
import type { Logger } from '../src/logger.js';
import type { PipelineDeps } from './deps.js';

export interface PageKey {
  backfillId: string;
  run: number;
  pageNumber: number;
  /** The checkpoint's page token. */
  page: string;
  pageSize: number;
  /** The tenant record's version: settings and policy decide what a pull returns. */
  tenantVersion: string;
}

interface Ahead extends PageKey {
  fence: number;
  /** The page, or null when the pull failed (the job pulls it again, and sees the error itself). */
  pulled: Promise<DealPage | null>;
  /** Deals written back by this worker after the pull started. */
  writtenSince: Set<string>;
  /** Drops it if no job claims it; cleared on a claim, so a claimed page is not kept alive by it. */
  expiry: NodeJS.Timeout;
}

/** An unclaimed page is dropped after this, so a paused backfill does not hold a page in memory. */
const KEEP_MS = 60_000;

/** Per worker (per deps), per tenant. */
const ahead = new WeakMap<PipelineDeps, Map<string, Ahead>>();

function pagesOf(deps: PipelineDeps): Map<string, Ahead> {
  let pages = ahead.get(deps);
  if (pages === undefined) {
    pages = new Map();
    ahead.set(deps, pages);
  }
  return pages;
}

function drop(pages: Map<string, Ahead>, tenant: string): Ahead | undefined {
  const entry = pages.get(tenant);
  if (entry === undefined) return undefined;
  clearTimeout(entry.expiry);
  pages.delete(tenant);
  return entry;
}

const sameKey = (a: PageKey, b: PageKey) =>
  a.backfillId === b.backfillId &&
  a.run === b.run &&
  a.pageNumber === b.pageNumber &&
  a.page === b.page &&
  a.pageSize === b.pageSize &&
  a.tenantVersion === b.tenantVersion;

export interface PageAhead {
  /** Waits for the pull to end, failed or not; a page's hold of the lock ends only after. */
  settled: Promise<void>;
  /** Deals the write-back just wrote: the pulled values of these are out of date. */
  written(dealIds: Iterable<string>): void;
}

/** Starts pulling `key`'s page under the hold numbered `fence`, for the next job to claim. */
export function pullAhead(
  deps: PipelineDeps,
  tenant: string,
  key: PageKey,
  fence: number,
  pull: () => Promise<DealPage>,
  log: Logger,
): PageAhead {
  const pages = pagesOf(deps);
  drop(pages, tenant);
  const entry: Ahead = {
    ...key,
    fence,
    writtenSince: new Set(),
    pulled: pull().catch((err: unknown) => {
      log.warn(
        { page: key.pageNumber, error: err instanceof Error ? err.message : String(err) },
        'pulling the next backfill page ahead failed; its job pulls it again',
      );
      return null;
    }),
    expiry: setTimeout(() => drop(pages, tenant), KEEP_MS).unref(),
  };
  pages.set(tenant, entry);
  return {
    settled: entry.pulled.then(() => undefined),
    written(dealIds) {
      for (const id of dealIds) entry.writtenSince.add(id);
    },
  };
}

/**
 * The page pulled ahead for `key`, if the previous hold of the tenant lock pulled it and it
 * succeeded; null otherwise. Whatever was held for the tenant is dropped either way.
 */
export async function claimAhead(
  deps: PipelineDeps,
  tenant: string,
  key: PageKey,
  fence: number,
): Promise<DealPage | null> {
  const pages = pagesOf(deps);
  const entry = drop(pages, tenant);
  if (entry === undefined) return null;
  if (entry.fence !== fence - 1 || !sameKey(entry, key)) return null;
  const page = await entry.pulled;
  if (page === null) return null;
  for (const id of entry.writtenSince) page.current.delete(id);
  return page;
}

// Protects the hand-over of a backfill page pulled ahead: the next job gets it only for exactly
// its page and only from the hold of the tenant lock just before its own; anything else, or a
// failed pull, is dropped so the page is pulled again; deals written after the pull keep what the
// write-back recorded.
import { describe, expect, it } from 'vitest';
import type { DealPage } from '../connectors/types.js';
import type { DealFields } from '../src/domain/write-back.js';
import { silentLogger } from '../src/logger.js';
import { claimAhead, type PageKey, pullAhead } from './backfill-prefetch.js';
import type { PipelineDeps } from './deps.js';

const KEY: PageKey = {
  backfillId: 'bf-1',
  run: 1,
  pageNumber: 2,
  page: 'token-2',
  pageSize: 2000,
  tenantVersion: '2026-06-01T00:00:00.000Z',
};

const FIELDS = { involved: true } as unknown as DealFields;

function page(): DealPage {
  return {
    deals: [],
    activities: [],
    current: new Map([
      ['D1', FIELDS],
      ['D2', FIELDS],
    ]),
    next: 'token-3',
  };
}

const deps = () => ({}) as PipelineDeps;

describe('pulling a backfill page ahead', () => {
  it('hands the page to the next hold of the lock, once, without the deals written since', async () => {
    const d = deps();
    const ahead = pullAhead(d, 'acme', KEY, 41, async () => page(), silentLogger);
    ahead.written(['D2']);
    await ahead.settled;
    const claimed = await claimAhead(d, 'acme', KEY, 42);
    expect(claimed?.next).toBe('token-3');
    expect([...claimed!.current.keys()]).toEqual(['D1']);
    expect(await claimAhead(d, 'acme', KEY, 42)).toBeNull();
  });

  it('drops it when another hold came in between, or the page asked for is another', async () => {
    const d = deps();
    pullAhead(d, 'acme', KEY, 41, async () => page(), silentLogger);
    expect(await claimAhead(d, 'acme', KEY, 43)).toBeNull();
    // Dropped, not kept for later: the right hold finds nothing either.
    expect(await claimAhead(d, 'acme', KEY, 42)).toBeNull();

    for (const other of [
      { pageNumber: 3 },
      { page: 'token-x' },
      { run: 2 },
      { backfillId: 'bf-2' },
      { pageSize: 500 },
      { tenantVersion: 'later' },
    ]) {
      pullAhead(d, 'acme', KEY, 41, async () => page(), silentLogger);
      expect(await claimAhead(d, 'acme', { ...KEY, ...other }, 42)).toBeNull();
    }
  });

  it('keeps tenants apart, and a failed pull gives nothing rather than an error', async () => {
    const d = deps();
    const failed = pullAhead(
      d,
      'acme',
      KEY,
      41,
      async () => {
        throw new Error('CRM down');
      },
      silentLogger,
    );
    await failed.settled;
    expect(await claimAhead(d, 'globex', KEY, 42)).toBeNull();
    expect(await claimAhead(d, 'acme', KEY, 42)).toBeNull();
    // Another worker's (another deps') pages are not this one's.
    pullAhead(d, 'acme', KEY, 41, async () => page(), silentLogger);
    expect(await claimAhead(deps(), 'acme', KEY, 42)).toBeNull();
  });
});

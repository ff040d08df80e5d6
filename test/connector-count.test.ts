// Protects `countClosedBetween` (connectors/types.ts), the total a backfill's progress is shown
// against: for both sandboxes it equals the number of deals `pullClosedBetween` pages through for
// the same range, costs one call, and refuses a bad range as pullClosedBetween does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmConnector } from '../connectors/types.js';
import { generateOrg } from '../src/generator/generate-org.js';
import { sandboxConnector } from './support/sandbox-connector.js';

const org = generateOrg({ deals: 80, seed: 11 });

async function pulledCount(connector: CrmConnector, range: { from: string; to: string }): Promise<number> {
  let n = 0;
  let page: string | null = null;
  do {
    const batch = await connector.pullClosedBetween(range, page, {
      splits: false,
      accountActivities: false,
      pageSize: 40,
    });
    n += batch.deals.length;
    page = batch.next;
  } while (page !== null);
  return n;
}

const closeDates = org.deals.map((d) => d.closeDate).sort();
const RANGES = {
  all: { from: '1970-01-01', to: '2199-12-31' },
  // A window cut through the middle of the org's close dates, both ends inclusive.
  middle: { from: closeDates[20]!, to: closeDates[60]! },
  empty: { from: '1970-01-01', to: '1970-12-31' },
};

describe.each(['salesforce', 'hubspot'] as const)('%s countClosedBetween', (provider) => {
  let connector: CrmConnector & { calls: number | (() => number) };
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ connector, close } = await sandboxConnector(provider, org));
  });
  afterAll(async () => close());

  const calls = () => (typeof connector.calls === 'function' ? connector.calls() : connector.calls);

  it.each(Object.entries(RANGES))(
    'counts what a backfill of the %s range pulls, in one call',
    async (_, range) => {
      const pulled = await pulledCount(connector, range);
      // Warm the connector's one-time lookups (org shape, portal details) before counting calls.
      await connector.countClosedBetween(range);
      const before = calls();
      expect(await connector.countClosedBetween(range)).toBe(pulled);
      expect(calls() - before).toBe(1);
    },
  );

  it('has deals in the middle window and none in the empty one', async () => {
    expect(await connector.countClosedBetween(RANGES.middle)).toBeGreaterThan(20);
    expect(await connector.countClosedBetween(RANGES.empty)).toBe(0);
  });

  it('refuses a range whose start is after its end', async () => {
    await expect(
      connector.countClosedBetween({ from: '2026-02-01', to: '2026-01-01' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

// Protects the Salesforce mapping end to end: a generated org loaded into the sandbox and pulled back with jsforce equals the original after the documented lossy rules, and nothing else differs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullSnapshot } from '../../connectors/pull-snapshot.js';
import { parseSnapshot, type Snapshot } from '../../src/domain/snapshot.js';
import { generateOrg } from '../../src/generator/index.js';
import { canonical, salesforceView, startTestOrg, type TestOrg } from './support.js';

describe('Salesforce round trip', () => {
  let original: Snapshot;
  let org: TestOrg;

  beforeAll(async () => {
    original = generateOrg({ deals: 400, seed: 11 });
    org = await startTestOrg({ snapshot: original });
  });
  afterAll(() => org.close());

  it('pulls back everything Salesforce can hold of a generated org', async () => {
    const connector = org.connector();
    await connector.install();
    const { snapshot, pages } = await pullSnapshot(connector, {
      tenant: original.tenant,
      from: '1900-01-01',
      to: '2999-12-31',
      pageSize: 150,
    });
    expect(pages).toBe(3);
    expect(() => parseSnapshot(snapshot)).not.toThrow();
    const expected = salesforceView(original);
    const actual = canonical(snapshot);
    // Compare piece by piece first, so a failure names the part that differs.
    for (const key of ['users', 'deals', 'quotas', 'rates', 'internalDomains'] as const) {
      expect(actual[key], key).toEqual(expected[key]);
    }
    expect(actual.activities.length).toBe(expected.activities.length);
    expect(actual).toEqual(expected);
  });

  it('holds the lossy cases the view documents: canceled meetings, calls with a start, folded statuses', () => {
    // Guards the test itself: the generated org must exercise every rule salesforceView applies.
    const kinds = {
      canceled: original.activities.some((a) => a.canceled),
      callWithStart: original.activities.some((a) => a.kind === 'call' && a.start !== null),
      tentative: original.activities.some((a) => a.participants.some((p) => p.status === 'tentative')),
      noShowOnMeeting: original.activities.some(
        (a) => a.kind === 'meeting' && a.participants.some((p) => p.status === 'noShow'),
      ),
      accountOnly: original.activities.some((a) => a.dealIds.length === 0),
      splits: original.deals.some((d) => d.splits.length > 0),
      managerHistory: original.managerHistory.length > 0,
    };
    expect(kinds).toEqual({
      canceled: true,
      callWithStart: true,
      tentative: true,
      noShowOnMeeting: true,
      accountOnly: true,
      splits: true,
      managerHistory: true,
    });
  });
});

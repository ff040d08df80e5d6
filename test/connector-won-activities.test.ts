// Protects `activitiesOf: 'won'` (connectors/types.ts), with which every job pulls: for both
// sandboxes it leaves out the activities of deals that are not won, and the engine's evaluation
// of every deal, fields included, is the same as from a pull of every deal's activities, with and
// without the account activities policy (and an activity's account is read only with it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullSnapshot } from '../connectors/pull-snapshot.js';
import type { CrmConnector } from '../connectors/types.js';
import { evaluateAll } from '../src/domain/engine.js';
import { prepareOrg } from '../src/domain/org-context.js';
import { DEFAULT_POLICY } from '../src/domain/policy.js';
import type { Snapshot } from '../src/domain/snapshot.js';
import { generateOrg } from '../src/generator/generate-org.js';
import { sandboxConnector } from './support/sandbox-connector.js';

const org = generateOrg({ deals: 120, seed: 5 });

describe.each(['salesforce', 'hubspot'] as const)('%s pull of won deals’ activities', (provider) => {
  let connector: CrmConnector;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ connector, close } = await sandboxConnector(provider, org));
  });
  afterAll(async () => close());

  const pull = async (activitiesOf: 'won' | 'all', accountActivities: boolean): Promise<Snapshot> =>
    (
      await pullSnapshot(connector, {
        tenant: org.tenant,
        from: '1900-01-01',
        to: '2999-12-31',
        pageSize: 50,
        accountActivities,
        activitiesOf,
      })
    ).snapshot;

  it.each([false, true])(
    'evaluates every deal the same (account activities: %s)',
    async (accountActivities) => {
      const all = await pull('all', accountActivities);
      const won = await pull('won', accountActivities);
      expect(won.deals).toEqual(all.deals);

      const wonIds = new Set(all.deals.filter((d) => d.won).map((d) => d.id));
      const wonAccounts = new Set(all.deals.filter((d) => d.won).map((d) => d.accountId));
      const lostOnly = all.activities.filter(
        (a) => a.dealIds.length > 0 && a.dealIds.every((id) => !wonIds.has(id)),
      );
      // The org has such activities, and the pull of won deals' activities has none of them.
      expect(lostOnly.length).toBeGreaterThan(20);
      const pulled = new Set(won.activities.map((a) => a.id));
      expect(lostOnly.filter((a) => pulled.has(a.id))).toEqual([]);
      for (const a of won.activities) {
        const linkedToWon = a.dealIds.some((id) => wonIds.has(id));
        const accountOnly = accountActivities && a.dealIds.length === 0 && wonAccounts.has(a.accountId);
        expect(linkedToWon || accountOnly, a.id).toBe(true);
      }
      if (accountActivities) expect(won.activities.some((a) => a.dealIds.length === 0)).toBe(true);
      // An activity's account is read only for the policy that looks at it.
      else expect(won.activities.filter((a) => a.accountId !== null)).toEqual([]);

      const policy = { ...DEFAULT_POLICY, includeAccountActivities: accountActivities };
      const evaluate = (s: Snapshot) => evaluateAll(prepareOrg(s, policy), s);
      const expected = evaluate(all);
      expect(expected.some((ev) => ev.decisions.some((d) => d.credited))).toBe(true);
      expect(evaluate(won)).toEqual(expected);
    },
  );
});

// Protects the engine on realistic orgs from the generator (hierarchy, history, currencies, splits,
// date-only calls, account activities): order never matters, rows equal a plain recount, and the
// share of credited deals stays plausible, under arbitrary policies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateOrg } from '../generator/index.js';
import { compute } from './engine.js';
import type { Snapshot } from './snapshot.js';
import { arbitraryPolicy, shuffleAll } from './testing/arbitrary-org.js';
import { policyOf } from './testing/org-builder.js';
import { recountAttainment } from './testing/recount.js';

const DEALS = 300;
const orgs = new Map<number, Snapshot>();
const orgFor = (seed: number) => {
  let org = orgs.get(seed);
  if (org === undefined) {
    org = generateOrg({ deals: DEALS, seed });
    orgs.set(seed, org);
  }
  return org;
};
const seed = fc.integer({ min: 1, max: 4 });

describe('compute on generated orgs', () => {
  it('shuffling every array changes nothing', () => {
    fc.assert(
      fc.property(seed, arbitraryPolicy, fc.integer(), (s, policy, shuffleSeed) => {
        const org = orgFor(s);
        const [shuffledOrg, shuffledPolicy] = shuffleAll(org, policy, shuffleSeed);
        expect(JSON.stringify(compute(shuffledOrg as Snapshot, policyOf(shuffledPolicy)))).toBe(
          JSON.stringify(compute(org, policyOf(policy))),
        );
      }),
      { numRuns: 8 },
    );
  });

  it('attainment rows equal a plain recount of the decisions and deals', () => {
    fc.assert(
      fc.property(seed, arbitraryPolicy, (s, policy) => {
        const org = orgFor(s);
        const result = compute(org, policyOf(policy));
        expect(result.attainment).toEqual(recountAttainment(org, policyOf(policy), result.decisions));
      }),
      { numRuns: 12 },
    );
  });

  it('credits a plausible share of won deals under the default policy', () => {
    // The generator has the owner's manager join about a third of deals, not always on a
    // counting activity: a share of 0 or near 1 would mean a rule is broken, not the data.
    const { decisions } = compute(orgFor(1), policyOf());
    const credited = decisions.filter((d) => d.credited).length / decisions.length;
    expect(credited).toBeGreaterThan(0.1);
    expect(credited).toBeLessThan(0.5);
  });
});

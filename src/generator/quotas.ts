/**
 * Quotas per manager and director per fiscal quarter, in the corporate currency. A player-coach
 * quota covers the deals the manager helps close, so it is sized from the team's won bookings
 * such that attainment lands around 5-30% (a manager joins about a third of deals; a director,
 * credited only at level 2, far fewer). A few manager-quarters have no quota and one has a zero
 * quota, as real orgs do; attainment is then null.
 */
import type { Quota } from '../domain/snapshot.js';
import type { Calendar } from './calendar.js';
import type { Hierarchy } from './hierarchy.js';
import type { Rng } from './random.js';

const ROUND_TO = 5_000;
const MISSING_SHARE = 0.04;

export function buildQuotas(rng: Rng, calendar: Calendar, org: Hierarchy, teamWon: Float64Array): Quota[] {
  const quarters = calendar.quarters.length;
  const quotas: Quota[] = [];
  let missing = 0;
  const add = (user: number, factorLow: number, factorHigh: number) => {
    for (let q = 0; q < quarters; q++) {
      if (rng.chance(MISSING_SHARE)) {
        missing++;
        continue;
      }
      const won = teamWon[user * quarters + q]!;
      const target = won * (factorLow + (factorHigh - factorLow) * rng.float());
      const units = Math.max(ROUND_TO, Math.round(target / ROUND_TO) * ROUND_TO);
      quotas.push({
        managerId: org.users[user]!.id,
        period: calendar.quarters[q]!.label,
        amount: `${units}.00`,
      });
    }
  };
  for (const m of org.managers) add(m, 0.7, 2);
  for (const d of org.directors) add(d, 0.1, 0.4);
  if (missing === 0) quotas.splice(rng.int(0, quotas.length - 1), 1);
  // One quota entered as zero.
  const zero = rng.int(0, quotas.length - 1);
  quotas[zero] = { ...quotas[zero]!, amount: '0.00' };
  return quotas;
}

/**
 * The values written on the deal in the CRM (DealFields in write-back.ts), derived from its
 * decisions. The credit is in the deal's own currency, which is what a currency field on the
 * Opportunity shows: round2(amount), or under splits the sum of round2(amount x percent / 100)
 * over the portions the credited manager holds.
 */
import { cents, convertToCents, ONE, sumCents } from './money.js';
import type { OrgContext } from './org-context.js';
import { fieldSentence, NOT_WON_REASON } from './reasons.js';
import type { Decision } from './results.js';
import type { Deal } from './snapshot.js';
import type { DealFields } from './write-back.js';

export interface PortionShare {
  userId: string;
  /** null under owner basis: the whole amount. */
  percent: string | null;
}

/**
 * `decisions` sorted by level then managerId, so the first credited one is the credited manager
 * of the lowest level (then lowest managerId). `portionsOf` gives that manager's portions.
 */
export function dealFields(
  ctx: OrgContext,
  deal: Deal,
  decisions: readonly Decision[],
  portionsOf: (d: Decision) => readonly PortionShare[],
): DealFields {
  const first = decisions.find((d) => d.credited);
  let credit = '0.00';
  if (first !== undefined) {
    const portions = portionsOf(first);
    credit =
      portions.length === 1 && portions[0]!.percent === null
        ? cents(deal.amount)
        : sumCents(portions.map((p) => convertToCents(deal.amount, p.percent, ONE)));
  }
  return {
    involved: first !== undefined,
    creditedManagerId: first?.managerId ?? null,
    credit,
    reason: decisions.map((d) => fieldSentence(ctx, d)).join(' '),
  };
}

export const NOT_WON_FIELDS: DealFields = Object.freeze({
  involved: false,
  creditedManagerId: null,
  credit: '0.00',
  reason: NOT_WON_REASON,
});

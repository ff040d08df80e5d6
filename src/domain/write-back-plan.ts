/**
 * What both connectors write back after a compute (DESIGN.md "What lands in the CRM"): the
 * fields of every evaluated deal, one attainment record per row, and each manager's current-
 * period figures on their user record. `diffWriteBack` then keeps only what changed.
 */
import { compareRows } from './attainment.js';
import { compareText } from './compare.js';
import type { OrgContext } from './org-context.js';
import { currentPeriod } from './periods.js';
import type { AttainmentRow, DealEvaluation } from './results.js';
import { attainmentKey, type UserFields, type WriteBackPlan } from './write-back.js';

export interface WriteBackInput {
  ctx: OrgContext;
  evaluations: Iterable<DealEvaluation>;
  rows: readonly AttainmentRow[];
  /** The evaluation instant (ISO); it picks the current period and stamps PC_Evaluated_At__c. */
  asOf: string;
}

export function buildWriteBackPlan({ ctx, evaluations, rows, asOf }: WriteBackInput): WriteBackPlan {
  const deals: WriteBackPlan['deals'] = [];
  for (const ev of evaluations) deals.push({ dealId: ev.dealId, ...ev.fields });
  deals.sort((a, b) => compareText(a.dealId, b.dealId));

  const sortedRows = [...rows].sort(compareRows);
  const attainment = sortedRows.map((r) => ({ key: attainmentKey(r.managerId, r.period), ...r }));

  const current = currentPeriod(asOf, ctx.org.timezone, ctx.org.fiscalYearStartMonth, ctx.policy.period);
  // A manager with any row gets user fields: the current period's figures, or empty ones when
  // they have no row in it (so last period's figures do not linger on their user record).
  const users = new Map<string, UserFields>();
  for (const r of sortedRows) {
    if (r.period === current)
      users.set(r.managerId, { currentAttainment: r.attainment, currentCredited: r.credited });
    else if (!users.has(r.managerId))
      users.set(r.managerId, { currentAttainment: null, currentCredited: '0.00' });
  }
  return {
    evaluatedAt: asOf,
    deals,
    attainment,
    users: [...users].map(([userId, f]) => ({ userId, ...f })),
  };
}

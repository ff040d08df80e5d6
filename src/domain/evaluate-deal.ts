/**
 * Evaluates one deal (DESIGN.md "Crediting rules", definitions 1-6, and "Exact semantics"):
 * which managers are evaluated at which level, which candidate activities count, who
 * participated in enough of them, and what each credited manager gets.
 *
 * This is the hot path of a million-deal recompute, so it avoids per-activity objects and
 * closures, reads dates through the context's caches and touches decimal.js only for money.
 */
import { InputError } from '../errors.js';
import { activityDate } from './activity-dates.js';
import { compareText } from './compare.js';
import { dealFields, NOT_WON_FIELDS, type PortionShare } from './deal-fields.js';
import { convertToCents, sumCents } from './money.js';
import type { CloseDay, OrgContext } from './org-context.js';
import { isPresentExternal, namedExternal, participationOf } from './participants.js';
import {
  creditedReason,
  type EvidenceItem,
  noManagerReason,
  splitsClause,
  uncreditedReason,
} from './reasons.js';
import type { DealEvaluation, Decision } from './results.js';
import type { Activity, Deal } from './snapshot.js';

interface Portion extends PortionShare {
  /** round2(amount x percent / 100 / rate): this portion in the corporate currency. */
  corporate: string;
}

/** A manager evaluated for the deal at one level, with the portions they answer for there. */
interface Evaluated {
  managerId: string;
  level: 1 | 2;
  portions: Portion[];
}

interface Counting {
  activity: Activity;
  date: string;
}

/**
 * `candidates` are the activities linked to the deal, plus, when the policy includes account
 * activities, those linked to its account and to no deal (the caller knows which deal ids exist,
 * so it decides "no deal"). Every rule is applied here; a candidate that is neither linked to the
 * deal nor, where allowed, to its account is ignored.
 */
export function evaluateDeal(ctx: OrgContext, deal: Deal, candidates: readonly Activity[]): DealEvaluation {
  const day = ctx.closeDay(deal.closeDate);
  if (!deal.won) {
    return {
      dealId: deal.id,
      won: false,
      period: day.period,
      amount: '0.00',
      teamManagerId: null,
      decisions: [],
      fields: { ...NOT_WON_FIELDS },
    };
  }
  const rate = ctx.rates.rateOn(deal.currency, deal.closeDate);
  if (rate === undefined) {
    throw new InputError(
      `deal "${deal.id}".currency: no conversion rate for ${deal.currency} in effect on ${deal.closeDate}`,
    );
  }
  const amount = convertToCents(deal.amount, null, rate);
  const useSplits = ctx.policy.creditBasis === 'splits' && deal.splits.length > 0;
  const portions: Portion[] = useSplits
    ? deal.splits.map((s) => ({
        userId: s.userId,
        percent: s.percent,
        corporate: convertToCents(deal.amount, s.percent, rate),
      }))
    : [{ userId: deal.ownerId, percent: null, corporate: amount }];

  const evaluated = evaluatedManagers(ctx, portions, deal.closeDate);
  const counting = countingActivities(ctx, deal, day, candidates);
  const decisions: Decision[] = [];
  if (evaluated.length === 0) {
    decisions.push({
      dealId: deal.id,
      managerId: null,
      level: 1,
      credited: false,
      amount: '0.00',
      period: day.period,
      evidence: [],
      reason: noManagerReason(
        ctx,
        portions.map((p) => p.userId),
        deal.closeDate,
        useSplits,
      ),
    });
  }
  for (const e of evaluated) decisions.push(decide(ctx, deal, day, e, counting, useSplits));

  const portionsByDecision = new Map<Decision, Portion[]>();
  for (let i = 0; i < evaluated.length; i++) portionsByDecision.set(decisions[i]!, evaluated[i]!.portions);
  return {
    dealId: deal.id,
    won: true,
    period: day.period,
    amount,
    teamManagerId: ctx.managers.managerOn(deal.ownerId, deal.closeDate),
    decisions,
    fields: dealFields(ctx, deal, decisions, (d) => portionsByDecision.get(d) ?? []),
  };
}

/**
 * Level 1: the manager of each portion's owner on the close date. Level 2: that manager's
 * manager on the same date. A manager found at both levels is evaluated once, at level 1, with
 * only the level-1 portions. Sorted by level, then managerId.
 */
function evaluatedManagers(ctx: OrgContext, portions: readonly Portion[], closeDate: string): Evaluated[] {
  const level1: Evaluated[] = [];
  const level2: Evaluated[] = [];
  for (const p of portions) {
    const m1 = ctx.managers.managerOn(p.userId, closeDate);
    if (m1 === null) continue; // This portion goes to nobody.
    addPortion(level1, m1, 1, p);
    if (ctx.policy.managerLevels === 2) {
      const m2 = ctx.managers.managerOn(m1, closeDate);
      if (m2 !== null) addPortion(level2, m2, 2, p);
    }
  }
  const out = level1.sort(byManagerId);
  for (const e of level2.sort(byManagerId)) {
    if (!level1.some((l) => l.managerId === e.managerId)) out.push(e);
  }
  return out;
}

function addPortion(list: Evaluated[], managerId: string, level: 1 | 2, p: Portion): void {
  for (const e of list) {
    if (e.managerId === managerId) {
      e.portions.push(p);
      return;
    }
  }
  list.push({ managerId, level, portions: [p] });
}

function byManagerId(a: Evaluated, b: Evaluated): number {
  return compareText(a.managerId, b.managerId);
}

/** The counting activities for the deal, sorted by id, each once. */
function countingActivities(
  ctx: OrgContext,
  deal: Deal,
  day: CloseDay,
  candidates: readonly Activity[],
): Counting[] {
  const out: Counting[] = [];
  const { policy, internalDomains } = ctx;
  const accountId = policy.includeAccountActivities ? deal.accountId : null;
  for (const a of candidates) {
    if (a.canceled || !ctx.activityKinds.has(a.kind)) continue;
    if (!(a.dealIds.includes(deal.id) || (accountId !== null && a.accountId === accountId))) continue;
    const date = activityDate(ctx.dates, a);
    if (date < day.windowStart || date > day.closeDate) continue;
    if (policy.requireExternalParticipant && !hasPresentExternal(a, internalDomains)) continue;
    out.push({ activity: a, date });
  }
  out.sort((x, y) => compareText(x.activity.id, y.activity.id));
  // The same activity can be handed in twice (listed under the deal twice); count it once.
  for (let i = out.length - 1; i > 0; i--)
    if (out[i]!.activity.id === out[i - 1]!.activity.id) out.splice(i, 1);
  return out;
}

function hasPresentExternal(a: Activity, internalDomains: ReadonlySet<string>): boolean {
  for (const p of a.participants) if (isPresentExternal(p, internalDomains)) return true;
  return false;
}

function decide(
  ctx: OrgContext,
  deal: Deal,
  day: CloseDay,
  e: Evaluated,
  counting: readonly Counting[],
  useSplits: boolean,
): Decision {
  const evidence: EvidenceItem[] = [];
  for (const c of counting) {
    const as = participationOf(c.activity.participants, e.managerId, ctx.countedStatuses);
    if (as === undefined) continue;
    const external = namedExternal(c.activity.participants, ctx.internalDomains);
    evidence.push({ activity: c.activity, date: c.date, as, external });
  }
  if (evidence.length >= ctx.policy.minActivities) {
    const amount =
      e.portions.length === 1 ? e.portions[0]!.corporate : sumCents(e.portions.map((p) => p.corporate));
    return {
      dealId: deal.id,
      managerId: e.managerId,
      level: e.level,
      credited: true,
      amount,
      period: day.period,
      evidence: evidence.map((x) => x.activity.id),
      reason: creditedReason(evidence) + (useSplits ? splitsClause(ctx, e.portions) : ''),
    };
  }
  return {
    dealId: deal.id,
    managerId: e.managerId,
    level: e.level,
    credited: false,
    amount: '0.00',
    period: day.period,
    evidence: [],
    reason: uncreditedReason(ctx, evidence, counting.length, day.windowStart, day.closeDate),
  };
}

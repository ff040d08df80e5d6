/**
 * Evaluates one deal (DESIGN.md "Crediting rules", definitions 1-6, and "Exact semantics"):
 * which managers are evaluated at which level, which candidate activities count, who
 * participated in enough of them, and what each credited manager gets.
 *
 * This is the hot path of a million-deal recompute: it allocates nothing per activity (the
 * counting activities go into scratch arrays reused from deal to deal), reads dates through the
 * context's caches and touches decimal.js only for money.
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
import { ACTIVITY_KINDS, type Activity, type Deal } from './snapshot.js';
import type { DealFields } from './write-back.js';

interface Portion extends PortionShare {
  /** round2(amount x percent / 100 / rate): this portion in the corporate currency. */
  corporate: string;
}

/**
 * A manager evaluated for the deal at one level, with the split portions they answer for there;
 * `portions` null under the owner basis, where every evaluated manager answers for the whole
 * amount (no portion records for the million deals of the usual policy).
 */
interface Evaluated {
  managerId: string;
  level: 1 | 2;
  portions: Portion[] | null;
}

/**
 * The counting activities of the deal being evaluated and their dates, sorted by id. Reused from
 * deal to deal (evaluation is synchronous), so a million deals do not allocate five million
 * little records; nothing here outlives one call.
 */
const counting: Activity[] = [];
const countingDates: string[] = [];
/** How many entries of the scratch arrays hold this deal's activities (never `length = 0`, which frees them). */
let countingLength = 0;

/**
 * `candidates` are the activities linked to the deal, plus, when the policy includes account
 * activities, those linked to its account and to no deal (the caller knows which deal ids exist,
 * so it decides "no deal"). Every rule is applied here; a candidate that is neither linked to the
 * deal nor, where allowed, to its account is ignored.
 */
export function evaluateDeal(ctx: OrgContext, deal: Deal, candidates: readonly Activity[]): DealEvaluation {
  return evaluate(ctx, deal, candidates, candidates.length, { withFields: true, linked: false });
}

export interface EvaluateOptions {
  /**
   * Fill `fields`. The fields written on a deal in a CRM are not part of `compute`'s output, so
   * a full recompute of a million deals skips them and the strings they hold.
   */
  withFields: boolean;
  /** The caller guarantees every candidate is linked to the deal or its account (ActivityIndex). */
  linked: boolean;
}

/**
 * Most decisions are uncredited and a quarter of deals are not won: they share one frozen empty
 * evidence list and one frozen empty decision list instead of a million empty arrays each.
 * Frozen, so a consumer that tried to add to one would fail loudly, not change every decision.
 */
const NO_EVIDENCE = Object.freeze([]) as unknown as string[];
const NO_DECISIONS = Object.freeze([]) as unknown as Decision[];

const SKIPPED_FIELDS: DealFields = Object.freeze({
  involved: false,
  creditedManagerId: null,
  credit: '0.00',
  reason: '',
});

/** evaluateDeal for callers that evaluate many deals: a reused candidate array, optional fields. */
export function evaluate(
  ctx: OrgContext,
  deal: Deal,
  /** The candidates are candidates[0..candidateCount): a caller may hand in a reused scratch array. */
  candidates: readonly Activity[],
  candidateCount: number,
  { withFields, linked }: EvaluateOptions,
): DealEvaluation {
  const day = ctx.closeDay(deal.closeDate);
  if (!deal.won) {
    return {
      dealId: deal.id,
      won: false,
      period: day.period,
      amount: '0.00',
      teamManagerId: null,
      decisions: NO_DECISIONS,
      fields: withFields ? { ...NOT_WON_FIELDS } : SKIPPED_FIELDS,
    };
  }
  const rate = ctx.rates.rateOn(deal.currency, deal.closeDate);
  if (rate === undefined) {
    throw new InputError(
      `deal "${deal.id}".currency: no conversion rate for ${deal.currency} in effect on ${deal.closeDate}`,
    );
  }
  const amount = ctx.rates.wholeInCents(deal.amount, rate);
  const useSplits = ctx.policy.creditBasis === 'splits' && deal.splits.length > 0;
  const portions: Portion[] | null = useSplits
    ? deal.splits.map((s) => ({
        userId: s.userId,
        percent: s.percent,
        corporate: convertToCents(deal.amount, s.percent, rate),
      }))
    : null;
  const teamManagerId = ctx.managers.managerOn(deal.ownerId, deal.closeDate);
  const evaluated =
    portions === null
      ? ownerManagers(ctx, teamManagerId, deal.closeDate)
      : splitManagers(ctx, portions, deal.closeDate);
  collectCounting(ctx, deal, day, candidates, candidateCount, linked);
  const decisions: Decision[] = [];
  if (evaluated.length === 0) {
    decisions.push({
      dealId: deal.id,
      managerId: null,
      level: 1,
      credited: false,
      amount: '0.00',
      period: day.period,
      evidence: NO_EVIDENCE,
      reason: noManagerReason(
        ctx,
        portions === null ? [deal.ownerId] : portions.map((p) => p.userId),
        deal.closeDate,
        useSplits,
      ),
    });
  }
  for (let i = 0; i < evaluated.length; i++) decisions.push(decide(ctx, deal, day, evaluated[i]!, amount));

  let fields = SKIPPED_FIELDS;
  if (withFields) {
    const portionsByDecision = new Map<Decision, readonly PortionShare[]>();
    const whole = [{ userId: deal.ownerId, percent: null }];
    for (let i = 0; i < evaluated.length; i++)
      portionsByDecision.set(decisions[i]!, evaluated[i]!.portions ?? whole);
    fields = dealFields(ctx, deal, decisions, (d) => portionsByDecision.get(d) ?? []);
  }
  return {
    dealId: deal.id,
    won: true,
    period: day.period,
    amount,
    teamManagerId,
    decisions,
    fields,
  };
}

/**
 * Under the owner basis: the owner's manager on the close date (level 1), and with two levels
 * that manager's manager on the same date (level 2), unless it is the same person.
 */
function ownerManagers(ctx: OrgContext, m1: string | null, closeDate: string): Evaluated[] {
  if (m1 === null) return [];
  const out: Evaluated[] = [{ managerId: m1, level: 1, portions: null }];
  const m2 = ctx.policy.managerLevels === 2 ? ctx.managers.managerOn(m1, closeDate) : null;
  if (m2 !== null && m2 !== m1) out.push({ managerId: m2, level: 2, portions: null });
  return out;
}

/**
 * Under the splits basis, per portion: the split owner's manager on the close date (level 1) and
 * that manager's manager (level 2). A manager found at both levels is evaluated once, at level 1,
 * with only the level-1 portions. Sorted by level, then managerId.
 */
function splitManagers(ctx: OrgContext, portions: readonly Portion[], closeDate: string): Evaluated[] {
  const twoLevels = ctx.policy.managerLevels === 2;
  const level1: Evaluated[] = [];
  const level2: Evaluated[] = [];
  for (const p of portions) {
    const m1 = ctx.managers.managerOn(p.userId, closeDate);
    if (m1 === null) continue; // This portion goes to nobody.
    addPortion(level1, m1, 1, p);
    const m2 = twoLevels ? ctx.managers.managerOn(m1, closeDate) : null;
    if (m2 !== null) addPortion(level2, m2, 2, p);
  }
  level1.sort(byManagerId);
  level2.sort(byManagerId);
  for (const e of level2) {
    if (!level1.some((l) => l.managerId === e.managerId)) level1.push(e);
  }
  return level1;
}

function addPortion(list: Evaluated[], managerId: string, level: 1 | 2, p: Portion): void {
  for (const e of list) {
    if (e.managerId === managerId) {
      e.portions!.push(p);
      return;
    }
  }
  list.push({ managerId, level, portions: [p] });
}

function byManagerId(a: Evaluated, b: Evaluated): number {
  return compareText(a.managerId, b.managerId);
}

/** Fills `counting` and `countingDates` with the counting activities, sorted by id, each once. */
function collectCounting(
  ctx: OrgContext,
  deal: Deal,
  day: CloseDay,
  candidates: readonly Activity[],
  candidateCount: number,
  linked: boolean,
): void {
  countingLength = 0;
  const { policy, internalDomains, activityKinds } = ctx;
  const accountId = policy.includeAccountActivities ? deal.accountId : null;
  const needExternal = policy.requireExternalParticipant;
  const anyKind = activityKinds.size === ACTIVITY_KINDS.length;
  for (let c = 0; c < candidateCount; c++) {
    const a = candidates[c]!;
    if (a.canceled || !(anyKind || activityKinds.has(a.kind))) continue;
    if (!linked && !(a.dealIds.includes(deal.id) || (accountId !== null && a.accountId === accountId)))
      continue;
    // The participants of a deal's activities are shared and already in cache; the date lookup
    // is dearer, so it comes last.
    if (needExternal && !hasPresentExternal(a, internalDomains)) continue;
    const date = activityDate(ctx.dates, a);
    if (date < day.windowStart || date > day.closeDate) continue;
    // Insertion by id: a deal has a handful of activities. The same activity handed in twice
    // (listed under the deal twice) is kept once.
    let i = countingLength;
    while (i > 0 && counting[i - 1]!.id > a.id) i--;
    if (i > 0 && counting[i - 1]!.id === a.id) continue;
    for (let j = countingLength; j > i; j--) {
      counting[j] = counting[j - 1]!;
      countingDates[j] = countingDates[j - 1]!;
    }
    counting[i] = a;
    countingDates[i] = date;
    countingLength++;
  }
}

function hasPresentExternal(a: Activity, internalDomains: ReadonlySet<string>): boolean {
  const ps = a.participants;
  for (let i = 0; i < ps.length; i++) if (isPresentExternal(ps[i]!, internalDomains)) return true;
  return false;
}

/** `amount` is the whole deal in the corporate currency, what a manager gets under the owner basis. */
function decide(ctx: OrgContext, deal: Deal, day: CloseDay, e: Evaluated, amount: string): Decision {
  let evidence: EvidenceItem[] | undefined;
  for (let i = 0; i < countingLength; i++) {
    const a = counting[i]!;
    const as = participationOf(a.participants, e.managerId, ctx.countedStatuses);
    if (as === undefined) continue;
    evidence ??= [];
    evidence.push({
      activity: a,
      date: countingDates[i]!,
      as,
      external: namedExternal(a.participants, ctx.internalDomains),
    });
  }
  const participatedIn = evidence?.length ?? 0;
  if (evidence !== undefined && participatedIn >= ctx.policy.minActivities) {
    const { portions } = e;
    return {
      dealId: deal.id,
      managerId: e.managerId,
      level: e.level,
      credited: true,
      amount:
        portions === null
          ? amount
          : portions.length === 1
            ? portions[0]!.corporate
            : sumCents(portions.map((p) => p.corporate)),
      period: day.period,
      evidence: evidence.map((x) => x.activity.id),
      reason: creditedReason(evidence, portions === null ? '' : splitsClause(ctx, portions)),
    };
  }
  return {
    dealId: deal.id,
    managerId: e.managerId,
    level: e.level,
    credited: false,
    amount: '0.00',
    period: day.period,
    evidence: NO_EVIDENCE,
    reason: uncreditedReason(ctx, day, evidence ?? [], countingLength),
  };
}

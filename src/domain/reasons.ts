/**
 * The sentences that explain a decision: `Decision.reason` (DESIGN.md's style, "attended meeting
 * 00U1 on 2026-03-10 with buyer@globex.com") and the deal's `fields.reason`, which a manager reads
 * on their Opportunity ("Mia Manager (level 1) credited 13044.02 USD: attended meeting ...").
 * An uncredited decision names the rule that decided it.
 */
import { compareText } from './compare.js';
import type { CloseDay, OrgContext } from './org-context.js';
import { participantLabel } from './participants.js';
import type { Decision } from './results.js';
import { ACTIVITY_KINDS, type Activity, type Participant } from './snapshot.js';

/** A counting activity the manager participated in, with what the sentence needs. */
export interface EvidenceItem {
  activity: Activity;
  date: string;
  /** The manager's own participant entry. */
  as: Participant;
  /** The external participant the sentence names (namedExternal); undefined when there is none. */
  external: Participant | undefined;
}

/** How many activities a credited reason names before it says "and N more". */
const NAMED_EVIDENCE = 3;

function verb(item: EvidenceItem): string {
  if (item.as.role === 'organizer') return item.activity.kind === 'call' ? 'made' : 'organized';
  return item.activity.kind === 'call' ? 'joined' : 'attended';
}

/**
 * "attended meeting 00U1 on 2026-03-10 with buyer@globex.com; made call 00T2 on ...": in date
 * order (then by id), as a person retells it; `evidence` itself stays sorted by id. `tail` ends
 * the sentence (the splits clause).
 *
 * Joined from its pieces in one go: a sentence built with `+` or a template literal is a rope of
 * a dozen 32-byte nodes, and a million-deal org keeps one per credited decision; a join is one
 * flat string.
 */
export function creditedReason(evidence: readonly EvidenceItem[], tail = ''): string {
  const chronological =
    evidence.length > 1
      ? [...evidence].sort((a, b) => compareText(a.date, b.date) || compareText(a.activity.id, b.activity.id))
      : evidence;
  const pieces: string[] = [];
  for (let i = 0; i < chronological.length && i < NAMED_EVIDENCE; i++) {
    const e = chronological[i]!;
    if (i > 0) pieces.push('; ');
    pieces.push(verb(e), ' ', e.activity.kind, ' ', e.activity.id, ' on ', e.date);
    if (e.external !== undefined) pieces.push(' with ', participantLabel(e.external));
  }
  const more = evidence.length - NAMED_EVIDENCE;
  if (more > 0) {
    pieces.push('; and ', String(more), ' more counting ', more === 1 ? 'activity' : 'activities');
  }
  pieces.push(tail);
  return pieces.join('');
}

/** "meeting or call", from the policy's activity kinds, in a fixed order. */
function kindsPhrase(ctx: OrgContext, plural: boolean): string {
  const kinds = ACTIVITY_KINDS.filter((k) => ctx.activityKinds.has(k));
  return kinds.map((k) => (plural ? `${k}s` : k)).join(' or ');
}

function countingPhrase(ctx: OrgContext, plural: boolean, windowStart: string, closeDate: string): string {
  const external = ctx.policy.requireExternalParticipant ? ' with an external participant' : '';
  return `counting ${kindsPhrase(ctx, plural)}${external} between ${windowStart} and ${closeDate}`;
}

/**
 * Why a manager was not credited: no counting activity at all, none with the manager, or fewer
 * than the policy requires. The first two depend only on the close date and the count, so most
 * deals share one string per close date instead of holding a copy each.
 */
export function uncreditedReason(
  ctx: OrgContext,
  day: CloseDay,
  evidence: readonly EvidenceItem[],
  countingTotal: number,
): string {
  if (evidence.length > 0) {
    const ids = evidence.map((e) => e.activity.id).join(', ');
    const n = evidence.length;
    // One flat string per decision, as creditedReason says why.
    return [
      'participated in ',
      String(n),
      n === 1 ? ' counting activity (' : ' counting activities (',
      ids,
      '), policy requires ',
      String(ctx.policy.minActivities),
    ].join('');
  }
  let reason = day.absentReasons[countingTotal];
  if (reason === undefined) {
    const { windowStart, closeDate } = day;
    if (countingTotal === 0) reason = `no ${countingPhrase(ctx, false, windowStart, closeDate)}`;
    else if (countingTotal === 1)
      reason = `did not take part in the one ${countingPhrase(ctx, false, windowStart, closeDate)}`;
    else
      reason = `did not take part in any of the ${countingTotal} ${countingPhrase(ctx, true, windowStart, closeDate)}`;
    day.absentReasons[countingTotal] = reason;
  }
  return reason;
}

/** The null-manager decision: the owner (or, under splits, every split owner) has no manager. */
export function noManagerReason(
  ctx: OrgContext,
  userIds: readonly string[],
  closeDate: string,
  splits: boolean,
): string {
  if (!splits) return `owner ${ctx.nameOf(userIds[0]!)} has no manager on ${closeDate}`;
  const names = [...new Set(userIds)]
    .sort()
    .map((id) => ctx.nameOf(id))
    .join(', ');
  return `no split owner (${names}) has a manager on ${closeDate}`;
}

/** Under splits: "; credit covers the splits of Rita Rep (60%) and Ray Rep (40%)". */
export function splitsClause(
  ctx: OrgContext,
  portions: ReadonlyArray<{ userId: string; percent: string | null }>,
): string {
  // Sorted by user, then percent, so the order of the CRM's split list cannot change the sentence.
  const parts = [...portions]
    .sort((a, b) => compareText(a.userId, b.userId) || compareText(a.percent ?? '', b.percent ?? ''))
    .map((p) => `${ctx.nameOf(p.userId)} (${p.percent}%)`);
  const list =
    parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `; credit covers the ${portions.length === 1 ? 'split' : 'splits'} of ${list}`;
}

/** The sentence for one decision on the deal record, naming the manager. */
export function fieldSentence(ctx: OrgContext, d: Decision): string {
  if (d.managerId === null) return `Not credited: ${d.reason}.`;
  const who = `${ctx.nameOf(d.managerId)} (level ${d.level})`;
  if (d.credited) return `${who} credited ${d.amount} ${ctx.org.corporateCurrency}: ${d.reason}.`;
  return `${who} not credited: ${d.reason}.`;
}

export const NOT_WON_REASON = 'Not credited: the deal is not closed won.';

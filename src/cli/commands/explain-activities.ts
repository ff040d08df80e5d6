/**
 * The activities of a deal as `playercoach explain` shows them: date in the tenant's time zone,
 * kind, who was on it, and whether it counts for the deal under the tenant's policy, with the
 * rule that excluded it when not. The rules are those of DESIGN.md "Crediting rules" 2, applied
 * as evaluate-deal.ts applies them; that the engine's evidence always shows here as counting is
 * checked end to end (test/cli/pipeline.test.ts).
 */
import { activityDate } from '../../domain/activity-dates.js';
import type { OrgContext } from '../../domain/org-context.js';
import { isExternal, isPresentExternal, participantLabel } from '../../domain/participants.js';
import type { Activity, Deal } from '../../domain/snapshot.js';

export interface ExplainedActivity {
  id: string;
  kind: Activity['kind'];
  /** Calendar date in the tenant's time zone (or the CRM's date for a call without a time). */
  date: string;
  counts: boolean;
  /** Why it does not count; absent when it counts. */
  excludedBecause?: string;
  external: { label: string; status: string }[];
  internal: { userId: string; name: string; role: string; status: string }[];
}

export function explainActivities(
  ctx: OrgContext,
  deal: Deal,
  activities: readonly Activity[],
): ExplainedActivity[] {
  const day = ctx.closeDay(deal.closeDate);
  return [...activities]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((a) => {
      const date = activityDate(ctx.dates, a);
      const excluded = exclusion(ctx, deal, a, date, day.windowStart);
      return {
        id: a.id,
        kind: a.kind,
        date,
        counts: excluded === undefined,
        ...(excluded === undefined ? {} : { excludedBecause: excluded }),
        external: a.participants
          .filter((p) => isExternal(p, ctx.internalDomains))
          .map((p) => ({ label: participantLabel(p), status: p.status })),
        internal: a.participants
          .filter((p) => p.userId !== undefined)
          .map((p) => ({ userId: p.userId!, name: ctx.nameOf(p.userId!), role: p.role, status: p.status })),
      };
    });
}

function exclusion(
  ctx: OrgContext,
  deal: Deal,
  a: Activity,
  date: string,
  windowStart: string,
): string | undefined {
  if (a.canceled) return 'canceled';
  if (!ctx.activityKinds.has(a.kind)) return `the policy does not count ${a.kind}s`;
  if (!a.dealIds.includes(deal.id)) {
    if (!ctx.policy.includeAccountActivities || deal.accountId === null || a.accountId !== deal.accountId)
      return 'not linked to the deal';
    if (a.dealIds.length > 0) return 'linked to another deal of the account';
  }
  if (
    ctx.policy.requireExternalParticipant &&
    !a.participants.some((p) => isPresentExternal(p, ctx.internalDomains))
  )
    return 'no external participant took part';
  if (date < windowStart || date > deal.closeDate)
    return `outside the window ${windowStart} to ${deal.closeDate}`;
  return undefined;
}

/**
 * Who is on an activity (DESIGN.md "Crediting rules" and "Exact semantics"): which participants
 * are external, whether an external one really took part, and whether a manager participated.
 */
import type { Participant, ParticipantStatus } from './snapshot.js';

/**
 * In this order: a userId makes a participant internal; else an explicit `external` flag
 * decides; else a contactId makes it external; else the email is external unless its domain
 * (case-insensitive, exact, no subdomains) is internal. An email with no `@` has no internal
 * domain, so it counts as external.
 */
export function isExternal(p: Participant, internalDomains: ReadonlySet<string>): boolean {
  if (p.userId !== undefined) return false;
  if (p.external !== undefined) return p.external;
  if (p.contactId !== undefined) return true;
  const email = p.email ?? '';
  const at = email.lastIndexOf('@');
  if (at < 0) return true;
  return !internalDomains.has(email.slice(at + 1).toLowerCase());
}

/** An external participant who did not decline and was not a no-show. */
export function isPresentExternal(p: Participant, internalDomains: ReadonlySet<string>): boolean {
  // Internal first: half of all participants are users, settled by one property read.
  return isExternal(p, internalDomains) && p.status !== 'declined' && p.status !== 'noShow';
}

/**
 * The external participant the reason names: of those who took part, the one with the smallest
 * label, so that the order in which a CRM lists participants cannot change the sentence.
 */
export function namedExternal(
  participants: readonly Participant[],
  internalDomains: ReadonlySet<string>,
): Participant | undefined {
  let best: Participant | undefined;
  let bestLabel = '';
  for (let i = 0; i < participants.length; i++) {
    const p = participants[i]!;
    if (!isPresentExternal(p, internalDomains)) continue;
    const label = participantLabel(p);
    if (best === undefined || label < bestLabel) {
      best = p;
      bestLabel = label;
    }
  }
  return best;
}

/**
 * An organizer participated unless they declined or did not show; an attendee participated when
 * their status is one the policy counts.
 */
export function participated(p: Participant, countedStatuses: ReadonlySet<ParticipantStatus>): boolean {
  if (p.role === 'organizer') return p.status !== 'declined' && p.status !== 'noShow';
  return countedStatuses.has(p.status);
}

/**
 * The manager's participating entry, or undefined when they did not participate. Should the
 * manager be listed twice, the organizer entry is preferred, whatever the order of the list.
 */
export function participationOf(
  participants: readonly Participant[],
  userId: string,
  countedStatuses: ReadonlySet<ParticipantStatus>,
): Participant | undefined {
  let found: Participant | undefined;
  for (let i = 0; i < participants.length; i++) {
    const p = participants[i]!;
    if (p.userId !== userId || !participated(p, countedStatuses)) continue;
    if (p.role === 'organizer') return p;
    found ??= p;
  }
  return found;
}

/** How a participant is named in a sentence: the email, else the contact id, else the user id. */
export function participantLabel(p: Participant): string {
  return p.email ?? (p.contactId !== undefined ? `contact ${p.contactId}` : `user ${p.userId ?? '?'}`);
}

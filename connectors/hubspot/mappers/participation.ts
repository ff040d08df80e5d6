/**
 * How participation is written into HubSpot and read back. HubSpot keeps no per-attendee answer
 * (accept, decline) on meetings or calls, so the mapping is a rule, the same both ways:
 *
 * Meetings (`hs_meeting_outcome`, `hubspot_owner_id`, `hs_attendee_owner_ids`, contacts):
 * - organizer: `hubspot_owner_id` (else the first internal attendee is written as owner);
 *   internal attendees: `hs_attendee_owner_ids`, `;`-separated, listing only those who accepted
 *   or attended (HubSpot lists who attends: an invitee who declined, did not show, is tentative
 *   or has not answered is left out, so reading back never makes them a participant);
 *   external people: associated contacts.
 * - written outcome: CANCELED when canceled; NO_SHOW when every external participant declined or
 *   did not show; COMPLETED when anyone attended; SCHEDULED otherwise.
 * - read back: COMPLETED → everyone `attended`; NO_SHOW → contacts `noShow`, owners `accepted`;
 *   CANCELED → `canceled: true`, everyone `accepted`; SCHEDULED, RESCHEDULED or none → `accepted`.
 *
 * Calls (`hs_call_status`, `hubspot_owner_id`, contacts): a call has one internal participant, its
 * owner (the organizer, else the first internal attendee); other internal attendees are lost.
 * - written status: CANCELED when canceled; NO_ANSWER when every external participant declined
 *   or did not show; COMPLETED otherwise.
 * - read back: COMPLETED → everyone `attended`; NO_ANSWER, BUSY, FAILED, MISSED → contacts
 *   `noShow`, owner `accepted`; CANCELED → `canceled: true`, `accepted`; anything else → `accepted`.
 *
 * Contacts read back as `{contactId, email}`; one whose email domain is one of the org's internal
 * domains also gets `external: false`, so the engine's rule (a contactId makes a participant
 * external) does not turn a colleague without a HubSpot user into a customer.
 *
 * Time: `hs_timestamp` (and `hs_meeting_start_time`) hold `start`; an activity that has only a
 * date is written at 12:00 in the portal's time zone and read back as that instant.
 */
import { DateTime } from 'luxon';
import type { Activity, Participant, ParticipantStatus } from '../../../src/domain/snapshot.js';

const NOT_THERE: readonly ParticipantStatus[] = ['declined', 'noShow'];
const ATTENDING: readonly ParticipantStatus[] = ['accepted', 'attended'];

/** DESIGN.md "External participants", in its order. */
export function isExternal(p: Participant, internalDomains: readonly string[]): boolean {
  if (p.userId !== undefined) return false;
  if (p.external !== undefined) return p.external;
  if (p.contactId !== undefined) return true;
  const domain = (p.email ?? '').split('@')[1]?.toLowerCase() ?? '';
  return !internalDomains.some((d) => d.toLowerCase() === domain);
}

function externalsAllAbsent(a: Activity, internalDomains: readonly string[]): boolean {
  const externals = a.participants.filter((p) => isExternal(p, internalDomains));
  return externals.length > 0 && externals.every((p) => NOT_THERE.includes(p.status));
}

export function meetingOutcome(a: Activity, internalDomains: readonly string[]): string {
  if (a.canceled) return 'CANCELED';
  if (externalsAllAbsent(a, internalDomains)) return 'NO_SHOW';
  if (a.participants.some((p) => p.status === 'attended')) return 'COMPLETED';
  return 'SCHEDULED';
}

export function callStatus(a: Activity, internalDomains: readonly string[]): string {
  if (a.canceled) return 'CANCELED';
  if (externalsAllAbsent(a, internalDomains)) return 'NO_ANSWER';
  return 'COMPLETED';
}

/** The internal owner of the activity: its organizer with a userId, else its first internal attendee. */
export function activityOwner(a: Activity): string | null {
  const organizer = a.participants.find((p) => p.role === 'organizer' && p.userId !== undefined);
  return organizer?.userId ?? a.participants.find((p) => p.userId !== undefined)?.userId ?? null;
}

/** Internal attendees a meeting lists in hs_attendee_owner_ids: not the owner, only those who accepted or attended. */
export function meetingAttendeeUserIds(a: Activity): string[] {
  const owner = activityOwner(a);
  const ids: string[] = [];
  for (const p of a.participants) {
    if (p.userId === undefined || p.userId === owner || !ATTENDING.includes(p.status)) continue;
    if (!ids.includes(p.userId)) ids.push(p.userId);
  }
  return ids;
}

/** Participants without a userId become contacts. */
export function contactParticipants(a: Activity): Participant[] {
  return a.participants.filter((p) => p.userId === undefined);
}

/** `start`, or 12:00 in the portal's zone on `date`, as epoch ms. */
export function activityInstant(a: Activity, timezone: string): number {
  if (a.start !== null) {
    // Date.parse is exact for ISO instants and far cheaper than luxon; luxon for the forms it misses.
    const ms = Date.parse(a.start);
    return Number.isNaN(ms) ? DateTime.fromISO(a.start, { setZone: true }).toMillis() : ms;
  }
  return DateTime.fromISO(a.date ?? '', { zone: timezone })
    .set({ hour: 12 })
    .toMillis();
}

export interface ReadParticipation {
  kind: 'meeting' | 'call';
  /** hs_meeting_outcome or hs_call_status. */
  outcome: string | null;
  ownerId: string | null;
  attendeeOwnerIds: string[];
  contacts: Array<{ id: string; email: string | null }>;
  internalDomains: readonly string[];
}

/** The participants and the canceled flag the rule above gives for what HubSpot holds. */
export function readParticipation(r: ReadParticipation): { canceled: boolean; participants: Participant[] } {
  const outcome = (r.outcome ?? '').toUpperCase();
  const canceled = outcome === 'CANCELED';
  const completed = outcome === 'COMPLETED';
  const absent =
    r.kind === 'meeting'
      ? outcome === 'NO_SHOW'
      : ['NO_ANSWER', 'BUSY', 'FAILED', 'MISSED'].includes(outcome);
  const internal: ParticipantStatus = completed ? 'attended' : 'accepted';
  const external: ParticipantStatus = completed ? 'attended' : absent ? 'noShow' : 'accepted';
  const participants: Participant[] = [];
  if (r.ownerId !== null) participants.push({ userId: r.ownerId, role: 'organizer', status: internal });
  if (r.kind === 'meeting') {
    for (const id of r.attendeeOwnerIds) {
      if (id !== r.ownerId) participants.push({ userId: id, role: 'attendee', status: internal });
    }
  }
  for (const c of r.contacts) {
    const p: Participant = { contactId: c.id, role: 'attendee', status: external };
    if (c.email) {
      p.email = c.email;
      const domain = c.email.split('@')[1]?.toLowerCase() ?? '';
      if (r.internalDomains.some((d) => d.toLowerCase() === domain)) p.external = false;
    }
    participants.push(p);
  }
  return { canceled, participants };
}

/** `hs_attendee_owner_ids` is a multi-select: values separated by `;`. */
export function splitOwnerIds(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

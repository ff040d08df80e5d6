/**
 * Event and call Task → snapshot Activity. Pure. The rules (README.md "Mapping"):
 * - A meeting is an Event with IsChild = false (the child events of user invitees are skipped by
 *   the query). Its owner is the organizer (status accepted); user invitees come from
 *   EventRelation rows with IsInvitee; contacts and leads from rows with IsInvitee or IsParent,
 *   with their email. Who a RelationId names is read from its key prefix (005 user, 003
 *   contact, 00Q lead), which is fixed across every Salesforce org. Status: Accepted → accepted, Declined → declined, New (or none)
 *   → needsAction; a contact that is only related (IsParent, not invited) counts as accepted.
 *   All-day events have a date and no start.
 * - A call is a Task with TaskSubtype 'Call'. Its owner is the organizer (status attended); the
 *   contacts come from TaskRelation rows (IsWhat = false). Salesforce has one outcome per task:
 *   Status other than Completed → needsAction; CallDisposition "No Answer"/"Busy"/"Voicemail"
 *   → noShow, "Declined" → declined, anything else → attended. Calls are date-only
 *   (ActivityDate; CreatedDate's date when it is missing).
 * - dealIds is the WhatId when it is one of the deals asked for; accountId is the AccountId
 *   Salesforce derives from the What, or null when the pull did not select it (only the account
 *   activities policy reads it).
 */
import type { Activity, Participant, ParticipantStatus } from '../../../src/domain/snapshot.js';
import type { SfEvent, SfTask } from './records.js';

const NO_ROWS: readonly never[] = [];

/** An invitee's EventRelation Status: Accepted, Declined, or New (or none) for not answered. */
function inviteeStatus(status: string | null): ParticipantStatus {
  return status === 'Accepted' ? 'accepted' : status === 'Declined' ? 'declined' : 'needsAction';
}

/**
 * A datetime as the REST API writes it, in UTC, on a day every month has: rewritten without date
 * arithmetic (a backfill maps hundreds of thousands), by slicing, since the match fixes every
 * character's place. Other days and offsets take the long way, which rolls 30 February over the
 * way Date.parse does.
 */
const PLAIN_UTC =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{3})?\+0000$/;

/** "2024-11-14T22:13:20.000+0000" → "2024-11-14T22:13:20Z" (the snapshot's form of an instant). */
export function toInstant(sfDateTime: string): string {
  if (PLAIN_UTC.test(sfDateTime)) {
    // 24 characters without milliseconds, 28 with; ".000" is dropped as the snapshot writes it.
    return sfDateTime.length === 24 || sfDateTime.startsWith('.000', 19)
      ? `${sfDateTime.slice(0, 19)}Z`
      : `${sfDateTime.slice(0, 23)}Z`;
  }
  const m = /^(.*T\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}):?(\d{2})$/.exec(sfDateTime);
  const ms = Date.parse(m === null ? sfDateTime : `${m[1]}${m[2]}:${m[3]}`);
  if (Number.isNaN(ms)) throw new RangeError(`not a Salesforce datetime: ${sfDateTime}`);
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

export const USER_PREFIX = '005';

/** A contact (003) or a lead (00Q): someone outside the org whom an activity can name. */
export function isPersonId(id: string): boolean {
  return id.startsWith('003') || id.startsWith('00Q');
}

/** Emails by contact or lead id, as far as known; null (or '') for a person who has none. */
export type Emails = ReadonlyMap<string, string | null>;

function contactParticipant(id: string, emails: Emails, status: ParticipantStatus): Participant {
  const email = emails.get(id);
  return email === undefined || email === null || email === ''
    ? { contactId: id, role: 'attendee', status }
    : { contactId: id, email, role: 'attendee', status };
}

/**
 * Gives the contacts and leads of a mapped activity the emails learnt after it was mapped (the
 * pull maps rows as they arrive, before it has asked for the emails of people new to it): the
 * activity is then what mapping with those emails known would have made.
 */
export function addEmails(activity: Activity, emails: Emails): void {
  const participants = activity.participants as Participant[];
  for (let i = 0; i < participants.length; i++) {
    const p = participants[i]!;
    if (p.contactId === undefined || p.email !== undefined || !emails.has(p.contactId)) continue;
    participants[i] = contactParticipant(p.contactId, emails, p.status);
  }
}

function dealIdsOf(whatId: string | null, dealIds: ReadonlySet<string>): string[] {
  return whatId !== null && dealIds.has(whatId) ? [whatId] : [];
}

export function toMeeting(e: SfEvent, dealIds: ReadonlySet<string>, emails: Emails): Activity {
  const participants: Participant[] = [{ userId: e.OwnerId, role: 'organizer', status: 'accepted' }];
  // A handful of people per activity: an array scan is cheaper than a Set for each of them.
  const seen = [e.OwnerId];
  for (const r of e.EventRelations?.records ?? NO_ROWS) {
    if (r.IsWhat === true || seen.includes(r.RelationId)) continue;
    if (r.RelationId.startsWith(USER_PREFIX)) {
      if (!r.IsInvitee) continue;
      seen.push(r.RelationId);
      participants.push({
        userId: r.RelationId,
        role: 'attendee',
        status: inviteeStatus(r.Status),
      });
    } else if (isPersonId(r.RelationId) && (r.IsInvitee || r.IsParent)) {
      seen.push(r.RelationId);
      const status = r.IsInvitee ? inviteeStatus(r.Status) : 'accepted';
      participants.push(contactParticipant(r.RelationId, emails, status));
    }
  }
  const allDay = e.IsAllDayEvent === true || e.StartDateTime === null;
  return {
    id: e.Id,
    kind: 'meeting',
    dealIds: dealIdsOf(e.WhatId, dealIds),
    accountId: e.AccountId ?? null,
    start: allDay ? null : toInstant(e.StartDateTime!),
    date: allDay ? (e.ActivityDate ?? e.StartDateTime?.slice(0, 10) ?? null) : null,
    canceled: false,
    participants,
  };
}

/** The outcome of a call for its contacts, from the task's Status and CallDisposition. */
export function callStatus(status: string | null, disposition: string | null): ParticipantStatus {
  if (status !== 'Completed') return 'needsAction';
  const d = (disposition ?? '').toLowerCase();
  if (/no.?answer|busy|voicemail|no.?show|unreachable/.test(d)) return 'noShow';
  if (/declin|reject/.test(d)) return 'declined';
  return 'attended';
}

export function toCall(t: SfTask, dealIds: ReadonlySet<string>, emails: Emails): Activity {
  const status = callStatus(t.Status, t.CallDisposition);
  const participants: Participant[] = [{ userId: t.OwnerId, role: 'organizer', status: 'attended' }];
  const seen: string[] = [];
  for (const r of t.TaskRelations?.records ?? NO_ROWS) {
    if (r.IsWhat === true || seen.includes(r.RelationId) || !isPersonId(r.RelationId)) continue;
    seen.push(r.RelationId);
    participants.push(contactParticipant(r.RelationId, emails, status));
  }
  return {
    id: t.Id,
    kind: 'call',
    dealIds: dealIdsOf(t.WhatId, dealIds),
    accountId: t.AccountId ?? null,
    start: null,
    date: t.ActivityDate ?? (t.CreatedDate ? toInstant(t.CreatedDate).slice(0, 10) : null),
    canceled: false,
    participants,
  };
}

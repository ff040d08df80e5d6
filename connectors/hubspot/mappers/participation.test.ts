// Protects the documented participation rule (HubSpot keeps no per-attendee answer): what is
// written for each case and what is read back, row by row, as README.md "Mapping" states it.
import { describe, expect, it } from 'vitest';
import type { Activity, Participant } from '../../../src/domain/snapshot.js';
import {
  activityInstant,
  activityOwner,
  callStatus,
  isExternal,
  meetingAttendeeUserIds,
  meetingOutcome,
  readParticipation,
  splitOwnerIds,
} from './participation.js';

const DOMAINS = ['acme.com'];
const rep: Participant = { userId: 'R', role: 'organizer', status: 'accepted' };
const mgr = (status: Participant['status']): Participant => ({ userId: 'M', role: 'attendee', status });
const buyer = (status: Participant['status']): Participant => ({
  email: 'b@client.com',
  role: 'attendee',
  status,
});

function activity(kind: Activity['kind'], participants: Participant[], canceled = false): Activity {
  return {
    id: 'A',
    kind,
    dealIds: [],
    accountId: null,
    start: '2026-03-10T15:00:00Z',
    date: null,
    canceled,
    participants,
  };
}

describe('written outcome', () => {
  it.each([
    ['canceled', activity('meeting', [rep, buyer('accepted')], true), 'CANCELED', 'CANCELED'],
    [
      'every external absent',
      activity('meeting', [rep, buyer('noShow'), { ...buyer('declined'), email: 'c@client.com' }]),
      'NO_SHOW',
      'NO_ANSWER',
    ],
    ['someone attended', activity('meeting', [rep, buyer('attended')]), 'COMPLETED', 'COMPLETED'],
    ['only accepted', activity('meeting', [rep, buyer('accepted')]), 'SCHEDULED', 'COMPLETED'],
    ['no external at all', activity('meeting', [rep, mgr('accepted')]), 'SCHEDULED', 'COMPLETED'],
    [
      'one external absent, one there',
      activity('meeting', [rep, buyer('noShow'), { ...buyer('tentative'), email: 'c@x.io' }]),
      'SCHEDULED',
      'COMPLETED',
    ],
  ])('%s: meeting %s', (_name, a, meeting, call) => {
    expect(meetingOutcome(a, DOMAINS)).toBe(meeting);
    expect(callStatus({ ...a, kind: 'call' }, DOMAINS)).toBe(call);
  });

  it('lists internal attendees who accepted or attended, never the owner', () => {
    const a = activity('meeting', [
      rep,
      mgr('accepted'),
      { userId: 'A', role: 'attendee', status: 'attended' },
      { userId: 'T', role: 'attendee', status: 'tentative' },
      { userId: 'N', role: 'attendee', status: 'needsAction' },
      { userId: 'D', role: 'attendee', status: 'declined' },
      { userId: 'R', role: 'attendee', status: 'accepted' },
    ]);
    expect(activityOwner(a)).toBe('R');
    expect(meetingAttendeeUserIds(a)).toEqual(['M', 'A']);
  });

  it('takes the first internal attendee as owner when the organizer is external', () => {
    expect(
      activityOwner(activity('call', [{ ...buyer('accepted'), role: 'organizer' }, mgr('accepted')])),
    ).toBe('M');
  });

  it('writes a date-only activity at noon in the portal zone', () => {
    const a: Activity = { ...activity('call', [rep]), start: null, date: '2026-01-28' };
    expect(new Date(activityInstant(a, 'America/New_York')).toISOString()).toBe('2026-01-28T17:00:00.000Z');
  });
});

describe('read back', () => {
  const base = {
    ownerId: 'R',
    attendeeOwnerIds: ['M'],
    contacts: [{ id: 'C1', email: 'b@client.com' }],
    internalDomains: DOMAINS,
  };
  it.each([
    ['meeting', 'COMPLETED', false, 'attended', 'attended'],
    ['meeting', 'NO_SHOW', false, 'accepted', 'noShow'],
    ['meeting', 'CANCELED', true, 'accepted', 'accepted'],
    ['meeting', 'SCHEDULED', false, 'accepted', 'accepted'],
    ['meeting', 'RESCHEDULED', false, 'accepted', 'accepted'],
    ['meeting', null, false, 'accepted', 'accepted'],
    ['call', 'COMPLETED', false, 'attended', 'attended'],
    ['call', 'NO_ANSWER', false, 'accepted', 'noShow'],
    ['call', 'BUSY', false, 'accepted', 'noShow'],
    ['call', 'FAILED', false, 'accepted', 'noShow'],
    ['call', 'MISSED', false, 'accepted', 'noShow'],
    ['call', 'CANCELED', true, 'accepted', 'accepted'],
    ['call', 'RINGING', false, 'accepted', 'accepted'],
  ] as const)('%s %s', (kind, outcome, canceled, internal, external) => {
    const read = readParticipation({ ...base, kind, outcome });
    expect(read.canceled).toBe(canceled);
    expect(read.participants[0]).toEqual({ userId: 'R', role: 'organizer', status: internal });
    if (kind === 'meeting')
      expect(read.participants[1]).toEqual({ userId: 'M', role: 'attendee', status: internal });
    else expect(read.participants.some((p) => p.userId === 'M')).toBe(false);
    expect(read.participants.at(-1)).toEqual({
      contactId: 'C1',
      email: 'b@client.com',
      role: 'attendee',
      status: external,
    });
  });

  it('marks a contact with an internal domain as not external', () => {
    const read = readParticipation({
      ...base,
      kind: 'meeting',
      outcome: 'COMPLETED',
      contacts: [{ id: 'C2', email: 'pal@ACME.com' }],
    });
    const pal = read.participants.at(-1)!;
    expect(pal.external).toBe(false);
    expect(isExternal(pal, DOMAINS)).toBe(false);
    expect(isExternal({ contactId: 'C3', role: 'attendee', status: 'accepted' }, DOMAINS)).toBe(true);
  });

  it('splits hs_attendee_owner_ids on semicolons', () => {
    expect(splitOwnerIds(' 1;2;;3 ')).toEqual(['1', '2', '3']);
    expect(splitOwnerIds(null)).toEqual([]);
  });
});

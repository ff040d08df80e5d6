/** HubSpot meeting or call (with its associations) → snapshot Activity, by the rule in participation.ts. */
import type { Activity } from '../../../src/domain/snapshot.js';
import type { HsObject } from './hubspot-types.js';
import { readParticipation, splitOwnerIds } from './participation.js';

export const MEETING_PROPERTIES = [
  'hs_timestamp',
  'hs_meeting_start_time',
  'hs_meeting_outcome',
  'hubspot_owner_id',
  'hs_attendee_owner_ids',
  'hs_lastmodifieddate',
] as const;

export const CALL_PROPERTIES = [
  'hs_timestamp',
  'hs_call_status',
  'hubspot_owner_id',
  'hs_lastmodifieddate',
] as const;

export interface RawActivity {
  kind: 'meeting' | 'call';
  record: HsObject;
  dealIds: readonly string[];
  companyIds: readonly string[];
  contacts: ReadonlyArray<{ id: string; email: string | null }>;
}

function instant(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Null when HubSpot holds no time for it (no hs_timestamp nor start time). */
export function toActivity(raw: RawActivity, internalDomains: readonly string[]): Activity | null {
  const p = raw.record.properties;
  const start =
    raw.kind === 'meeting'
      ? (instant(p['hs_meeting_start_time']) ?? instant(p['hs_timestamp']))
      : instant(p['hs_timestamp']);
  if (start === null) return null;
  const { canceled, participants } = readParticipation({
    kind: raw.kind,
    outcome: (raw.kind === 'meeting' ? p['hs_meeting_outcome'] : p['hs_call_status']) ?? null,
    ownerId: p['hubspot_owner_id'] || null,
    attendeeOwnerIds: raw.kind === 'meeting' ? splitOwnerIds(p['hs_attendee_owner_ids']) : [],
    contacts: [...raw.contacts].sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : 1)),
    internalDomains,
  });
  return {
    id: raw.record.id,
    kind: raw.kind,
    dealIds: [...raw.dealIds],
    accountId: raw.companyIds[0] ?? null,
    start,
    date: null,
    canceled,
    participants,
  };
}

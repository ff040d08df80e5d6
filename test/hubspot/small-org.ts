/**
 * A small hand-written org for the HubSpot tests: two managers (one reporting to the other),
 * three reps, deals in two currencies (one with splits, one lost), meetings and calls with every
 * participation case the mapping rule distinguishes, a date-only call, quotas and rates.
 */
import type { SnapshotInput } from '../../src/domain/snapshot.js';

export function smallOrg(): SnapshotInput {
  return {
    version: 1,
    tenant: 'acme',
    corporateCurrency: 'USD',
    timezone: 'America/New_York',
    fiscalYearStartMonth: 1,
    internalDomains: ['acme.com'],
    users: [
      { id: 'M0', name: 'Moe Manager', email: 'moe@acme.com', managerId: null, active: true },
      { id: 'M1', name: 'Mia Manager', email: 'mia@acme.com', managerId: 'M0', active: true },
      { id: 'R1', name: 'Rita Rep', email: 'rita@acme.com', managerId: 'M1', active: true },
      { id: 'R2', name: 'Ray Rep', email: 'ray@acme.com', managerId: 'M1', active: true },
      { id: 'R3', name: 'Old Rep', email: 'old@acme.com', managerId: 'M0', active: false },
    ],
    deals: [
      {
        id: 'D1',
        name: 'Globex renewal',
        ownerId: 'R1',
        accountId: 'A1',
        amount: '12000.50',
        currency: 'EUR',
        closeDate: '2026-03-15',
        won: true,
        splits: [
          { userId: 'R1', percent: '60' },
          { userId: 'R2', percent: '40' },
        ],
      },
      {
        id: 'D2',
        name: 'Initech new logo',
        ownerId: 'R2',
        accountId: 'A2',
        amount: '5000',
        currency: 'USD',
        closeDate: '2026-02-01',
        won: true,
      },
      {
        id: 'D3',
        name: 'Umbrella lost',
        ownerId: 'R3',
        accountId: 'A2',
        amount: '700.25',
        currency: 'USD',
        closeDate: '2026-01-20',
        won: false,
      },
    ],
    activities: [
      {
        id: 'E1',
        kind: 'meeting',
        dealIds: ['D1'],
        accountId: 'A1',
        start: '2026-03-10T15:00:00Z',
        participants: [
          { userId: 'R1', role: 'organizer', status: 'accepted' },
          { userId: 'M1', role: 'attendee', status: 'accepted' },
          { email: 'buyer@globex.com', external: true, role: 'attendee', status: 'accepted' },
        ],
      },
      {
        id: 'E2',
        kind: 'meeting',
        dealIds: ['D1'],
        accountId: 'A1',
        start: '2026-03-11T09:30:00-05:00',
        participants: [
          { userId: 'R1', role: 'organizer', status: 'attended' },
          { userId: 'M0', role: 'attendee', status: 'declined' },
          { email: 'cfo@globex.com', role: 'attendee', status: 'attended' },
          { email: 'helper@acme.com', role: 'attendee', status: 'attended' },
        ],
      },
      {
        id: 'E3',
        kind: 'meeting',
        dealIds: ['D2'],
        start: '2026-01-25T16:00:00Z',
        participants: [
          { userId: 'R2', role: 'organizer', status: 'accepted' },
          { userId: 'M1', role: 'attendee', status: 'accepted' },
          { email: 'cto@initech.com', role: 'attendee', status: 'noShow' },
        ],
      },
      {
        id: 'E4',
        kind: 'meeting',
        dealIds: ['D2'],
        start: '2026-01-26T16:00:00Z',
        canceled: true,
        participants: [
          { userId: 'M1', role: 'organizer', status: 'accepted' },
          { email: 'cto@initech.com', role: 'attendee', status: 'accepted' },
        ],
      },
      {
        id: 'C1',
        kind: 'call',
        dealIds: ['D2'],
        date: '2026-01-28',
        start: null,
        participants: [
          { userId: 'M1', role: 'organizer', status: 'accepted' },
          { email: 'cto@initech.com', role: 'attendee', status: 'attended' },
        ],
      },
      {
        id: 'C2',
        kind: 'call',
        dealIds: ['D1', 'D2'],
        start: '2026-03-01T18:00:00Z',
        participants: [
          { userId: 'R1', role: 'organizer', status: 'accepted' },
          { userId: 'M1', role: 'attendee', status: 'accepted' },
          { email: 'buyer@globex.com', role: 'attendee', status: 'noShow' },
        ],
      },
      {
        id: 'C3',
        kind: 'call',
        dealIds: ['D3'],
        start: '2026-01-10T18:00:00Z',
        participants: [
          { userId: 'R3', role: 'organizer', status: 'accepted' },
          { contactId: 'SF-CONTACT-9', role: 'attendee', status: 'accepted' },
        ],
      },
    ],
    quotas: [
      { managerId: 'M1', period: 'FY2026-Q1', amount: '250000.00' },
      { managerId: 'M0', period: 'FY2026-Q1', amount: '500000.00' },
    ],
    rates: [
      { currency: 'EUR', rate: '0.92', from: '2026-01-01' },
      { currency: 'EUR', rate: '0.9', from: '2025-01-01' },
    ],
  };
}

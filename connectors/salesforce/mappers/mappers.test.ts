// Protects the pure Salesforce → snapshot mappings and the write-back field values, rule by rule (README.md "Mapping").
import { describe, expect, it } from 'vitest';
import { addEmails, callStatus, toCall, toInstant, toMeeting } from './activity.js';
import { currentDealFields, opportunityUpdate, toDeal } from './deal.js';
import { money, percentToRatio, ratioToPercent, toNumber } from './numbers.js';
import { attainmentUpsert, currentAttainmentFields, internalDomainsOf, toRates, userUpdate } from './org.js';
import type { SfAttainment, SfEvent, SfOpportunity, SfTask } from './records.js';

const OPP: SfOpportunity = {
  Id: '0065g0000000001AAA',
  Name: 'Globex renewal',
  AccountId: '0015g0000000001AAA',
  OwnerId: '0055g0000000001AAA',
  IsWon: true,
  CloseDate: '2026-03-15',
  Amount: 12000.5,
  CurrencyIsoCode: 'EUR',
  SystemModstamp: '2026-03-16T10:00:00.000+0000',
};

describe('toDeal', () => {
  it('maps the opportunity, amounts as 2-decimal strings', () => {
    expect(toDeal(OPP, 'USD')).toEqual({
      id: OPP.Id,
      name: 'Globex renewal',
      ownerId: OPP.OwnerId,
      accountId: OPP.AccountId,
      amount: '12000.50',
      currency: 'EUR',
      closeDate: '2026-03-15',
      won: true,
      splits: [],
    });
  });

  it('falls back to the corporate currency and a zero amount', () => {
    const d = toDeal({ ...OPP, CurrencyIsoCode: undefined, Amount: null, IsWon: false }, 'USD');
    expect([d.currency, d.amount, d.won]).toEqual(['USD', '0.00', false]);
  });

  it('reads splits, and the default 100% owner split as none', () => {
    const split = (SplitOwnerId: string, SplitPercentage: number) => ({ SplitOwnerId, SplitPercentage });
    const withSplits = {
      ...OPP,
      OpportunitySplits: {
        totalSize: 2,
        done: true,
        records: [split(OPP.OwnerId, 60), split('0055g0000000002AAA', 40)],
      },
    };
    expect(toDeal(withSplits, 'USD').splits).toEqual([
      { userId: OPP.OwnerId, percent: '60' },
      { userId: '0055g0000000002AAA', percent: '40' },
    ]);
    const ownerOnly = {
      ...OPP,
      OpportunitySplits: { totalSize: 1, done: true, records: [split(OPP.OwnerId, 100)] },
    };
    expect(toDeal(ownerOnly, 'USD').splits).toEqual([]);
  });
});

describe('deal write-back fields', () => {
  it('count only once playercoach has stamped the opportunity', () => {
    expect(currentDealFields(OPP)).toBeNull();
    expect(
      currentDealFields({
        ...OPP,
        PC_Evaluated_At__c: '2026-03-16T10:00:00.000+0000',
        PC_Manager_Credit__c: 13044.02,
        PC_Manager_Involved__c: true,
        PC_Credited_Manager__c: '0055g0000000009AAA',
        PC_Credit_Reason__c: 'why',
      }),
    ).toEqual({ involved: true, creditedManagerId: '0055g0000000009AAA', credit: '13044.02', reason: 'why' });
  });

  it('become the collections record with exactly the DESIGN.md fields', () => {
    expect(
      opportunityUpdate(
        OPP.Id,
        { involved: false, creditedManagerId: null, credit: '0.00', reason: 'no manager' },
        '2026-11-15T00:00:00Z',
      ),
    ).toEqual({
      attributes: { type: 'Opportunity' },
      id: OPP.Id,
      PC_Manager_Involved__c: false,
      PC_Credited_Manager__c: null,
      PC_Manager_Credit__c: 0,
      PC_Credit_Reason__c: 'no manager',
      PC_Evaluated_At__c: '2026-11-15T00:00:00Z',
    });
  });
});

describe('activities', () => {
  const deals = new Set([OPP.Id]);
  const emails = new Map([['0035g0000000001AAA', 'buyer@globex.com']]);
  const relation = (
    RelationId: string,
    flags: Partial<{ IsInvitee: boolean; IsParent: boolean; IsWhat: boolean; Status: string | null }>,
  ) => ({
    RelationId,
    IsInvitee: false,
    IsParent: false,
    IsWhat: false,
    Status: null,
    ...flags,
  });
  const event: SfEvent = {
    Id: '00U5g0000000001AAA',
    WhatId: OPP.Id,
    AccountId: OPP.AccountId,
    OwnerId: '0055g0000000001AAA',
    StartDateTime: '2026-03-10T15:00:00.000+0000',
    ActivityDate: '2026-03-10',
    IsAllDayEvent: false,
    EventRelations: {
      totalSize: 6,
      done: true,
      records: [
        relation('0055g0000000002AAA', { IsInvitee: true, Status: 'Accepted' }),
        relation('0055g0000000003AAA', { IsInvitee: true, Status: 'New' }),
        relation('0055g0000000004AAA', { IsInvitee: true, Status: 'Declined' }),
        relation('0035g0000000001AAA', { IsInvitee: true, IsParent: true, Status: 'Accepted' }),
        relation('0035g0000000002AAA', { IsParent: true }),
        relation(OPP.Id, { IsWhat: true }),
      ],
    },
  };

  it('maps a meeting: owner organizes, invitees by key prefix, statuses from EventRelation', () => {
    expect(toMeeting(event, deals, emails)).toEqual({
      id: event.Id,
      kind: 'meeting',
      dealIds: [OPP.Id],
      accountId: OPP.AccountId,
      start: '2026-03-10T15:00:00Z',
      date: null,
      canceled: false,
      participants: [
        { userId: '0055g0000000001AAA', role: 'organizer', status: 'accepted' },
        { userId: '0055g0000000002AAA', role: 'attendee', status: 'accepted' },
        { userId: '0055g0000000003AAA', role: 'attendee', status: 'needsAction' },
        { userId: '0055g0000000004AAA', role: 'attendee', status: 'declined' },
        { contactId: '0035g0000000001AAA', email: 'buyer@globex.com', role: 'attendee', status: 'accepted' },
        { contactId: '0035g0000000002AAA', role: 'attendee', status: 'accepted' },
      ],
    });
  });

  it('maps an all-day event to a date, and a What that is not one of the deals to no deal', () => {
    const a = toMeeting(
      { ...event, IsAllDayEvent: true, WhatId: OPP.AccountId, EventRelations: null },
      deals,
      emails,
    );
    expect([a.start, a.date, a.dealIds, a.participants.length]).toEqual([null, '2026-03-10', [], 1]);
  });

  it.each([
    ['Completed', 'Connected', 'attended'],
    ['Completed', null, 'attended'],
    ['Completed', 'No Answer', 'noShow'],
    ['Completed', 'Left Voicemail', 'noShow'],
    ['Completed', 'Busy', 'noShow'],
    ['Completed', 'Declined', 'declined'],
    ['Not Started', null, 'needsAction'],
    [null, 'Connected', 'needsAction'],
  ] as const)('a call with Status %s and CallDisposition %s → %s', (status, disposition, expected) => {
    expect(callStatus(status, disposition)).toBe(expected);
  });

  it('maps a call task: date-only, owner attended, contacts from TaskRelation', () => {
    const task: SfTask = {
      Id: '00T5g0000000001AAA',
      WhatId: OPP.Id,
      AccountId: OPP.AccountId,
      OwnerId: '0055g0000000001AAA',
      ActivityDate: '2026-03-11',
      Status: 'Completed',
      CallDisposition: 'No Answer',
      TaskRelations: {
        totalSize: 2,
        done: true,
        records: [
          { RelationId: '0035g0000000001AAA', IsWhat: false },
          { RelationId: OPP.Id, IsWhat: true },
        ],
      },
    };
    expect(toCall(task, deals, emails)).toEqual({
      id: task.Id,
      kind: 'call',
      dealIds: [OPP.Id],
      accountId: OPP.AccountId,
      start: null,
      date: '2026-03-11',
      canceled: false,
      participants: [
        { userId: '0055g0000000001AAA', role: 'organizer', status: 'attended' },
        { contactId: '0035g0000000001AAA', email: 'buyer@globex.com', role: 'attendee', status: 'noShow' },
      ],
    });
    expect(
      toCall({ ...task, ActivityDate: null, CreatedDate: '2026-03-12T23:00:00.000-0500' }, deals, emails)
        .date,
    ).toBe('2026-03-13');
  });

  it('gives contacts mapped before their emails were known the emails learnt later, as if known', () => {
    const later = toMeeting(event, deals, new Map());
    addEmails(later, emails);
    expect(later).toEqual(toMeeting(event, deals, emails));
    expect(JSON.stringify(later)).toBe(JSON.stringify(toMeeting(event, deals, emails)));
  });

  it('normalizes Salesforce datetimes to UTC instants', () => {
    expect(toInstant('2026-03-10T15:00:00.000+0000')).toBe('2026-03-10T15:00:00Z');
    expect(toInstant('2026-03-10T10:00:00.250-0500')).toBe('2026-03-10T15:00:00.250Z');
    expect(toInstant('2026-03-10T15:00:00.250+0000')).toBe('2026-03-10T15:00:00.250Z');
    expect(toInstant('2026-03-10T15:00:00+0000')).toBe('2026-03-10T15:00:00Z');
    expect(toInstant('2026-01-31T23:59:59.000+0000')).toBe('2026-01-31T23:59:59Z');
    // Read as Date.parse reads it, as before: a day the month does not have rolls over.
    expect(toInstant('2026-02-30T08:00:00.000+0000')).toBe('2026-03-02T08:00:00Z');
    expect(() => toInstant('soon')).toThrow(RangeError);
  });
});

describe('org records', () => {
  it('converts Percent fields to 4-decimal ratios and back, money to 2 decimals', () => {
    expect(percentToRatio(52.17)).toBe('0.5217');
    expect(percentToRatio(null)).toBeNull();
    expect(ratioToPercent('0.5217')).toBe(52.17);
    expect(ratioToPercent('0.0001')).toBe(0.01);
    expect(money(0.1 + 0.2)).toBe('0.30');
    expect(money(12000)).toBe('12000.00');
    expect(money(-350)).toBe('-350.00');
    expect(money(-0)).toBe('0.00');
    expect(money(null)).toBe('0.00');
    expect(money(2 ** 60)).toBe('1152921504606847000.00');
    expect(toNumber('1234.50')).toBe(1234.5);
    expect(toNumber('-0.10')).toBe(-0.1);
    expect(toNumber('1e3')).toBe(1000);
    expect(() => toNumber('12abc')).toThrow();
    expect(() => toNumber('')).toThrow();
  });

  it('takes dated rates, and a currency without any at its static rate', () => {
    expect(
      toRates(
        [{ IsoCode: 'EUR', ConversionRate: 0.92, StartDate: '2026-01-01' }],
        [
          { IsoCode: 'USD', ConversionRate: 1, IsCorporate: true, IsActive: true },
          { IsoCode: 'EUR', ConversionRate: 0.9, IsCorporate: false, IsActive: true },
          { IsoCode: 'GBP', ConversionRate: 0.79, IsCorporate: false, IsActive: true },
          { IsoCode: 'JPY', ConversionRate: 150, IsCorporate: false, IsActive: false },
        ],
      ),
    ).toEqual([
      { currency: 'EUR', rate: '0.92', from: '2026-01-01' },
      { currency: 'GBP', rate: '0.79', from: '1970-01-01' },
    ]);
  });

  it('derives internal domains from user emails', () => {
    const u = (Email: string | null) => ({ Id: '005', Name: null, Email, IsActive: true, ManagerId: null });
    expect(
      internalDomainsOf([u('a@Acme.com'), u('b@acme.com'), u('c@acme.co.uk'), u(null), u('broken')]),
    ).toEqual(['acme.co.uk', 'acme.com']);
  });

  it('writes and reads attainment records and user fields', () => {
    const fields = {
      managerId: '0055g0000000009AAA',
      period: 'FY2027-Q1',
      quota: '250000.00',
      credited: '13044.02',
      attainment: '0.0522',
      assistedDeals: 1,
      teamWonDeals: 3,
      teamWonAmount: '40000.00',
    };
    const record = attainmentUpsert('0055g0000000009AAA:FY2027-Q1', fields, 'USD');
    expect(record).toMatchObject({
      PC_Key__c: '0055g0000000009AAA:FY2027-Q1',
      PC_Attainment__c: 5.22,
      PC_Quota__c: 250000,
      CurrencyIsoCode: 'USD',
    });
    const read = currentAttainmentFields({ Id: 'a00', ...record } as unknown as SfAttainment);
    expect(read).toEqual({ key: '0055g0000000009AAA:FY2027-Q1', fields });
    expect(userUpdate('005', { currentAttainment: null, currentCredited: '10.00' })).toEqual({
      attributes: { type: 'User' },
      id: '005',
      PC_Current_Attainment__c: null,
      PC_Current_Credited__c: 10,
    });
  });
});

// Protects the pure HubSpot value mappers: pc_ property values both ways, won by stage metadata,
// close dates, splits, exchange rates and the manager mapping precedence.
import { describe, expect, it } from 'vitest';
import {
  attainmentFromProperties,
  attainmentToProperties,
  dealFieldsFromProperties,
  dealFieldsToProperties,
  quotaFromProperties,
} from './pc-values.js';
import { isWonStage, toDeal, toSplits, utcDate } from './to-deal.js';
import { toConversionRate, toRate } from './to-rate.js';
import { managerOf, splitName } from './to-user.js';

describe('pc_ values', () => {
  it('round-trips deal fields and reads an unwritten deal as null', () => {
    const fields = { involved: true, creditedManagerId: '7', credit: '10.50', reason: 'why' };
    const props = dealFieldsToProperties(fields, '2026-04-01T08:00:00Z');
    expect(props).toEqual({
      pc_manager_involved: 'true',
      pc_credited_manager: '7',
      pc_manager_credit: '10.50',
      pc_credit_reason: 'why',
      pc_evaluated_at: '2026-04-01T08:00:00.000Z',
    });
    expect(dealFieldsFromProperties(props)).toEqual(fields);
    expect(dealFieldsFromProperties({ dealname: 'x', pc_manager_involved: null })).toBeNull();
    expect(dealFieldsFromProperties({ pc_manager_involved: 'false', pc_credited_manager: '' })).toEqual({
      involved: false,
      creditedManagerId: null,
      credit: '0.00',
      reason: '',
    });
  });

  it('round-trips attainment rows; a quota-only record is a quota, not a written row', () => {
    const row = {
      key: '7:FY2026-Q1',
      managerId: '7',
      period: 'FY2026-Q1',
      quota: null,
      credited: '0.00',
      attainment: null,
      assistedDeals: 0,
      teamWonDeals: 3,
      teamWonAmount: '9.99',
    };
    expect(attainmentFromProperties({ ...attainmentToProperties(row), pc_key: row.key })).toEqual(row);
    const quotaOnly = { pc_key: '7:FY2026-Q1', pc_manager: '7', pc_period: 'FY2026-Q1', pc_quota: '1000' };
    expect(attainmentFromProperties(quotaOnly)).toBeNull();
    expect(quotaFromProperties(quotaOnly)).toEqual({ managerId: '7', period: 'FY2026-Q1', amount: '1000' });
    expect(quotaFromProperties({ ...quotaOnly, pc_period: 'Q1 2026' })).toBeNull();
  });
});

describe('deals', () => {
  const stages = new Map([
    ['won', { id: 'won', metadata: { isClosed: 'true', probability: '1.0' } }],
    ['lost', { id: 'lost', metadata: { isClosed: 'true', probability: '0.0' } }],
    ['open', { id: 'open', metadata: { isClosed: 'false', probability: '1.0' } }],
  ]);
  it('decides won by stage metadata only', () => {
    expect(['won', 'lost', 'open', 'closedwon'].map((s) => isWonStage(stages.get(s)))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
  it('maps a deal, its currency default, close date, company and splits', () => {
    const deal = toDeal(
      {
        id: '1',
        properties: {
          dealname: 'D',
          amount: '12.5',
          closedate: '2026-03-15T00:00:00Z',
          dealstage: 'won',
          hubspot_owner_id: '9',
          deal_currency_code: '',
        },
      },
      ['55'],
      [{ properties: { hubspot_owner_id: '9', hs_deal_split_percentage: '0.3333' } }],
      { stages, companyCurrency: 'USD' },
    );
    expect(deal).toEqual({
      id: '1',
      name: 'D',
      ownerId: '9',
      accountId: '55',
      amount: '12.5',
      currency: 'USD',
      closeDate: '2026-03-15',
      won: true,
      splits: [{ userId: '9', percent: '33.33' }],
    });
    expect(
      toDeal({ id: '2', properties: { closedate: '2026-03-15' } }, [], [], {
        stages,
        companyCurrency: 'USD',
      }),
    ).toBeNull();
    expect(utcDate('1773532800000')).toBe('2026-03-15');
    expect(toSplits([{ properties: { hubspot_owner_id: null, hs_deal_split_percentage: '1' } }])).toEqual([]);
  });
});

describe('rates and users', () => {
  it('inverts conversionRate, rounded as HubSpot keeps it', () => {
    expect(toConversionRate('0.8')).toBe(1.25);
    expect(
      toRate({ fromCurrencyCode: 'EUR', conversionRate: 1.25, effectiveAt: '2026-01-01T00:00:00.000Z' }),
    ).toEqual({
      currency: 'EUR',
      rate: '0.8',
      from: '2026-01-01',
    });
  });

  it('takes the owner mapping before the primary team, and never the owner itself', () => {
    const mapping = { owners: { '1': '9', '5': '5' }, teams: { T1: '8', T2: '5' } };
    const team = (id: string, primary = true) => ({ id, primary });
    expect(managerOf({ id: '1', teams: [team('T1')] }, mapping)).toBe('9');
    expect(managerOf({ id: '2', teams: [team('T2', false), team('T1')] }, mapping)).toBe('8');
    expect(managerOf({ id: '3', teams: [team('T1', false)] }, mapping)).toBe('8');
    expect(managerOf({ id: '5', teams: [team('T2')] }, mapping)).toBeNull();
    expect(managerOf({ id: '4', teams: [] }, mapping)).toBeNull();
    expect(splitName('Mary Ann Smith')).toEqual({ firstName: 'Mary', lastName: 'Ann Smith' });
  });
});

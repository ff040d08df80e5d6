/**
 * Opportunity → snapshot Deal, and the playercoach fields on it ↔ DealFields. Pure.
 * - won is IsWon; a missing Amount is "0.00"; CurrencyIsoCode is absent in single-currency orgs,
 *   where the corporate currency applies.
 * - Splits come from OpportunitySplits. One split giving the owner 100% is the default every
 *   opportunity gets when splits are on, and means "no splits".
 * - The current write-back fields count only once playercoach has stamped PC_Evaluated_At__c.
 */
import type { Deal, Split } from '../../../src/domain/snapshot.js';
import type { DealFields } from '../../../src/domain/write-back.js';
import { OPP, REASON_MAX_LENGTH } from '../custom-fields.js';
import { decimal, money, toNumber } from './numbers.js';
import type { SfOpportunity } from './records.js';

export function toDeal(o: SfOpportunity, corporateCurrency: string): Deal {
  return {
    id: o.Id,
    name: o.Name ?? '',
    ownerId: o.OwnerId,
    accountId: o.AccountId ?? null,
    amount: money(o.Amount),
    currency: o.CurrencyIsoCode ?? corporateCurrency,
    closeDate: o.CloseDate,
    won: o.IsWon === true,
    splits: toSplits(o),
  };
}

function toSplits(o: SfOpportunity): Split[] {
  const rows = o.OpportunitySplits?.records;
  if (rows === undefined || rows.length === 0) return [];
  const splits = rows.map((s) => ({ userId: s.SplitOwnerId, percent: decimal(s.SplitPercentage ?? 0) }));
  if (splits.length === 1 && splits[0]!.userId === o.OwnerId && Number(splits[0]!.percent) === 100) return [];
  return splits;
}

/** What the playercoach fields hold now; null when playercoach never wrote this opportunity. */
export function currentDealFields(o: SfOpportunity): DealFields | null {
  if (o.PC_Evaluated_At__c === undefined || o.PC_Evaluated_At__c === null) return null;
  return {
    involved: o.PC_Manager_Involved__c === true,
    creditedManagerId: o.PC_Credited_Manager__c ?? null,
    credit: money(o.PC_Manager_Credit__c),
    reason: o.PC_Credit_Reason__c ?? '',
  };
}

/** The sObject Collections record that writes DealFields onto an opportunity. */
export function opportunityUpdate(
  dealId: string,
  f: DealFields,
  evaluatedAt: string,
): Record<string, unknown> {
  return {
    attributes: { type: 'Opportunity' },
    id: dealId,
    [OPP.involved]: f.involved,
    [OPP.creditedManager]: f.creditedManagerId,
    [OPP.credit]: toNumber(f.credit),
    [OPP.reason]: f.reason.length > REASON_MAX_LENGTH ? f.reason.slice(0, REASON_MAX_LENGTH) : f.reason,
    [OPP.evaluatedAt]: evaluatedAt,
  };
}

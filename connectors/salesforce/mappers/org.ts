/**
 * The org-wide records → OrgData parts, and the write-back fields on users and attainment
 * records ↔ their domain shapes. Pure.
 * - internalDomains are the email domains of the org's users.
 * - Rates: DatedConversionRate rows (advanced currency management); an active currency with no
 *   dated rate takes its CurrencyType rate from 1970-01-01.
 * - Quotas are PC_Manager_Attainment__c records with PC_Quota__c, as admins enter them.
 * - A user's or attainment record's write-back fields count once playercoach has written them
 *   (PC_Current_Credited__c / PC_Credited__c not null).
 */
import type { Quota, Rate, User } from '../../../src/domain/snapshot.js';
import type { AttainmentFields, UserFields } from '../../../src/domain/write-back.js';
import { ATT, ATTAINMENT_OBJECT, USR } from '../custom-fields.js';
import { decimal, money, percentToRatio, ratioToPercent, toNumber } from './numbers.js';
import type { SfAttainment, SfCurrencyType, SfDatedRate, SfUser } from './records.js';

export function toUser(u: SfUser): User {
  return {
    id: u.Id,
    name: u.Name ?? '',
    email: u.Email ?? '',
    managerId: u.ManagerId ?? null,
    active: u.IsActive !== false,
  };
}

export function internalDomainsOf(users: readonly SfUser[]): string[] {
  const domains = new Set<string>();
  for (const u of users) {
    const at = u.Email?.lastIndexOf('@') ?? -1;
    if (at > 0) domains.add(u.Email!.slice(at + 1).toLowerCase());
  }
  return [...domains].sort();
}

export function toRates(dated: readonly SfDatedRate[], types: readonly SfCurrencyType[]): Rate[] {
  const rates: Rate[] = dated.map((r) => ({
    currency: r.IsoCode,
    rate: decimal(r.ConversionRate),
    from: r.StartDate,
  }));
  const withDated = new Set(dated.map((r) => r.IsoCode));
  for (const t of types) {
    if (t.IsCorporate || !t.IsActive || withDated.has(t.IsoCode)) continue;
    rates.push({ currency: t.IsoCode, rate: decimal(t.ConversionRate), from: '1970-01-01' });
  }
  return rates;
}

export function currentUserFields(u: SfUser): UserFields | null {
  if (u.PC_Current_Credited__c === undefined || u.PC_Current_Credited__c === null) return null;
  return {
    currentAttainment: percentToRatio(u.PC_Current_Attainment__c),
    currentCredited: money(u.PC_Current_Credited__c),
  };
}

export function userUpdate(userId: string, f: UserFields): Record<string, unknown> {
  return {
    attributes: { type: 'User' },
    id: userId,
    [USR.currentAttainment]: ratioToPercent(f.currentAttainment),
    [USR.currentCredited]: toNumber(f.currentCredited),
  };
}

export function toQuota(r: SfAttainment): Quota | null {
  if (r.PC_Quota__c === null || r.PC_Manager__c === null || r.PC_Period__c === null) return null;
  return { managerId: r.PC_Manager__c, period: r.PC_Period__c, amount: money(r.PC_Quota__c) };
}

export function currentAttainmentFields(r: SfAttainment): { key: string; fields: AttainmentFields } | null {
  if (
    r.PC_Credited__c === null ||
    r.PC_Key__c === null ||
    r.PC_Manager__c === null ||
    r.PC_Period__c === null
  )
    return null;
  return {
    key: r.PC_Key__c,
    fields: {
      managerId: r.PC_Manager__c,
      period: r.PC_Period__c,
      quota: r.PC_Quota__c === null ? null : money(r.PC_Quota__c),
      credited: money(r.PC_Credited__c),
      attainment: percentToRatio(r.PC_Attainment__c),
      assistedDeals: r.PC_Assisted_Deals__c ?? 0,
      teamWonDeals: r.PC_Team_Won_Deals__c ?? 0,
      teamWonAmount: money(r.PC_Team_Won_Amount__c),
    },
  };
}

/**
 * The upsert record (by PC_Key__c) for one manager and period; amounts in the corporate currency.
 * The quota is the admin's: sent as read, and left out when playercoach knows none (an org pulled
 * before the quota was entered), so a write-back never clears a quota an admin typed in.
 */
export function attainmentUpsert(
  key: string,
  f: AttainmentFields,
  corporateCurrency: string | null,
): Record<string, unknown> {
  return {
    attributes: { type: ATTAINMENT_OBJECT },
    [ATT.key]: key,
    [ATT.manager]: f.managerId,
    [ATT.period]: f.period,
    ...(f.quota === null ? {} : { [ATT.quota]: toNumber(f.quota) }),
    [ATT.credited]: toNumber(f.credited),
    [ATT.attainment]: ratioToPercent(f.attainment),
    [ATT.assistedDeals]: f.assistedDeals,
    [ATT.teamWonDeals]: f.teamWonDeals,
    [ATT.teamWonAmount]: toNumber(f.teamWonAmount),
    ...(corporateCurrency === null ? {} : { CurrencyIsoCode: corporateCurrency }),
  };
}

/**
 * playercoach's values ↔ HubSpot property values (all strings). Deal fields go to the pc_ deal
 * properties; attainment rows to pc_manager_attainment records keyed by `pc_key`; quotas come back
 * from the same records' `pc_quota`. Booleans are "true"/"false", money is the decimal string
 * itself, `pc_evaluated_at` an ISO instant, and an empty value is "" (HubSpot clears a property
 * written with an empty string).
 */
import type { Quota } from '../../../src/domain/snapshot.js';
import type { AttainmentFields, DealFields } from '../../../src/domain/write-back.js';
import type { HsObject } from './hubspot-types.js';

export const PC_DEAL_PROPERTY_NAMES = [
  'pc_manager_involved',
  'pc_credited_manager',
  'pc_manager_credit',
  'pc_credit_reason',
  'pc_evaluated_at',
] as const;

export const PC_ATTAINMENT_PROPERTY_NAMES = [
  'pc_key',
  'pc_manager',
  'pc_period',
  'pc_quota',
  'pc_credited',
  'pc_attainment',
  'pc_assisted_deals',
  'pc_team_won_deals',
  'pc_team_won_amount',
] as const;

export function dealFieldsToProperties(f: DealFields, evaluatedAt: string): Record<string, string> {
  return {
    pc_manager_involved: f.involved ? 'true' : 'false',
    pc_credited_manager: f.creditedManagerId ?? '',
    pc_manager_credit: f.credit,
    pc_credit_reason: f.reason,
    pc_evaluated_at: new Date(evaluatedAt).toISOString(),
  };
}

/** What the deal holds now; null when playercoach never wrote it (no pc_ value at all). */
export function dealFieldsFromProperties(p: HsObject['properties']): DealFields | null {
  const written = PC_DEAL_PROPERTY_NAMES.some((n) => (p[n] ?? '') !== '');
  if (!written) return null;
  return {
    involved: p['pc_manager_involved'] === 'true',
    creditedManagerId: p['pc_credited_manager'] || null,
    credit: p['pc_manager_credit'] || '0.00',
    reason: p['pc_credit_reason'] ?? '',
  };
}

/**
 * The quota is the admin's: it is sent as read, and left out when playercoach knows none (an org
 * pulled before the quota was entered), so a write-back never clears a quota an admin typed in.
 */
export function attainmentToProperties(a: { key: string } & AttainmentFields): Record<string, string> {
  return {
    pc_manager: a.managerId,
    pc_period: a.period,
    ...(a.quota === null ? {} : { pc_quota: a.quota }),
    pc_credited: a.credited,
    pc_attainment: a.attainment ?? '',
    pc_assisted_deals: String(a.assistedDeals),
    pc_team_won_deals: String(a.teamWonDeals),
    pc_team_won_amount: a.teamWonAmount,
  };
}

/**
 * What an attainment record holds now; null for a record playercoach has not written yet (an
 * admin entered only the quota), so the first write-back fills it.
 */
export function attainmentFromProperties(
  p: HsObject['properties'],
): ({ key: string } & AttainmentFields) | null {
  const key = p['pc_key'];
  const managerId = p['pc_manager'];
  const period = p['pc_period'];
  if (!key || !managerId || !period || !p['pc_credited']) return null;
  return {
    key,
    managerId,
    period,
    quota: p['pc_quota'] || null,
    credited: p['pc_credited'],
    attainment: p['pc_attainment'] || null,
    assistedDeals: Number(p['pc_assisted_deals'] || 0),
    teamWonDeals: Number(p['pc_team_won_deals'] || 0),
    teamWonAmount: p['pc_team_won_amount'] || '0.00',
  };
}

/** A quota an admin entered on an attainment record; null where there is none. */
export function quotaFromProperties(p: HsObject['properties']): Quota | null {
  const managerId = p['pc_manager'];
  const period = p['pc_period'];
  const amount = p['pc_quota'];
  if (!managerId || !period || !amount || !/^FY\d{4}-(Q[1-4]|M(0[1-9]|1[0-2]))$/.test(period)) return null;
  return { managerId, period, amount };
}

/**
 * HubSpot deal → snapshot Deal. Won is decided by the stage's metadata from the pipelines API
 * (`isClosed` "true" and `probability` "1.0"), never by a stage name. `closedate` is a datetime
 * that HubSpot keeps at midnight UTC for a date, so the close date is its UTC calendar date.
 * Amounts stay the decimal strings HubSpot holds; a deal without a currency code is in the
 * company currency; splits keep HubSpot's fraction as a percentage ("0.6" → "60").
 */
import { Decimal } from 'decimal.js';
import type { Deal, Split } from '../../../src/domain/snapshot.js';
import type { HsObject, HsSplit, HsStage } from './hubspot-types.js';

export const DEAL_PROPERTIES = [
  'dealname',
  'amount',
  'closedate',
  'dealstage',
  'pipeline',
  'hubspot_owner_id',
  'deal_currency_code',
  'hs_lastmodifieddate',
  'hs_object_id',
] as const;

export function isWonStage(stage: HsStage | undefined): boolean {
  if (!stage) return false;
  return stage.metadata['isClosed'] === 'true' && new Decimal(stage.metadata['probability'] ?? '0').equals(1);
}

/** Whether a deal record is won: its stage, looked up in the portal's pipelines, is. */
export function isWonDeal(deal: HsObject, stages: DealContext['stages']): boolean {
  return isWonStage(stages.get(deal.properties['dealstage'] ?? ''));
}

export function isClosedStage(stage: HsStage | undefined): boolean {
  return stage?.metadata['isClosed'] === 'true';
}

/** The UTC calendar date of a HubSpot datetime value (ISO or epoch ms). */
export function utcDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

export function toSplits(splits: readonly HsSplit[]): Split[] {
  return splits
    .filter((s) => s.properties['hubspot_owner_id'] && s.properties['hs_deal_split_percentage'])
    .map((s) => ({
      userId: String(s.properties['hubspot_owner_id']),
      percent: new Decimal(String(s.properties['hs_deal_split_percentage'])).times(100).toFixed(),
    }));
}

export interface DealContext {
  stages: ReadonlyMap<string, HsStage>;
  companyCurrency: string;
}

/** Null when the deal lacks what a snapshot deal needs (an owner, a close date). */
export function toDeal(
  deal: HsObject,
  companyIds: readonly string[],
  splits: readonly HsSplit[],
  ctx: DealContext,
): Deal | null {
  const p = deal.properties;
  const ownerId = p['hubspot_owner_id'];
  const closeDate = utcDate(p['closedate']);
  if (!ownerId || closeDate === null) return null;
  const amount = p['amount'] && /^-?\d+(\.\d+)?$/.test(p['amount']) ? p['amount'] : '0';
  return {
    id: deal.id,
    name: p['dealname'] ?? '',
    ownerId,
    accountId: companyIds[0] ?? null,
    amount,
    currency: p['deal_currency_code'] || ctx.companyCurrency,
    closeDate,
    won: isWonDeal(deal, ctx.stages),
    splits: toSplits(splits),
  };
}

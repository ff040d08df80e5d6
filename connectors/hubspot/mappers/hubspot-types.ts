/** The HubSpot shapes the pure mappers take: only the fields they read, so tests can write them by hand. */

export interface HsObject {
  id: string;
  properties: Record<string, string | null | undefined>;
}

export interface HsOwner {
  id: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  archived?: boolean;
  teams?: Array<{ id: string; name?: string; primary?: boolean }>;
}

export interface HsStage {
  id: string;
  metadata: Record<string, string | undefined>;
}

export interface HsExchangeRate {
  fromCurrencyCode: string;
  conversionRate: number;
  effectiveAt: string | Date;
}

export interface HsSplit {
  properties: Record<string, string | null | undefined>;
}

/** Owner → manager, from the tenant's mapping (HubSpot has no manager field). */
export interface ManagerMapping {
  owners: Record<string, string>;
  teams: Record<string, string>;
}

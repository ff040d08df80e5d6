/**
 * The currencies deals are in, with the rough USD conversion rates (units per 1 USD, as
 * Salesforce's ConversionRate) that the dated rates wander around. USD is the corporate currency.
 */
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD'] as const;
export type CurrencyIndex = 0 | 1 | 2 | 3;
export const BASE_RATES = [1, 0.92, 0.79, 1.36] as const;
/** Share of accounts in each currency's region: most business is in USD. */
export const REGION_WEIGHTS = [70, 15, 8, 7] as const;
/** Top-level domains of each region's companies. */
export const REGION_TLDS = [['com'], ['de', 'fr', 'nl', 'es', 'it', 'eu'], ['co.uk'], ['ca']] as const;

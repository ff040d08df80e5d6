/**
 * The portal's settings the connector reads: account details (`/account-info/v3/details`:
 * `timeZone`, `companyCurrency`), the company currency and the exchange rates
 * (spec: PublicApiSpecs/Settings/Multicurrency/Rollouts/145897/v3/multicurrency.json).
 * `conversionRate` is units of the company currency for one unit of `fromCurrencyCode`, with at
 * most 6 decimals, as HubSpot keeps it.
 */
import type { RouteModule } from '../context.js';
import { compareIds, SandboxInputError } from '../portal-store.js';
import { parseLimit } from '../serialize.js';

export const exchangeRateRoutes: RouteModule = (app, { store }) => {
  app.get('/account-info/v3/details', async () => {
    const offset = new Intl.DateTimeFormat('en-US', { timeZone: store.timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(store.now()))
      .find((p) => p.type === 'timeZoneName')?.value;
    const utcOffset = offset === 'GMT' || offset === undefined ? '+00:00' : offset.replace('GMT', '');
    return {
      portalId: store.portalId,
      accountType: 'STANDARD',
      timeZone: store.timeZone,
      companyCurrency: store.companyCurrency,
      additionalCurrencies: [...new Set(store.exchangeRates.map((r) => r.fromCurrencyCode))].sort(),
      utcOffset,
      utcOffsetMilliseconds: 0,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    };
  });

  app.get('/settings/v3/currencies/company-currency', async () => ({
    currencyCode: store.companyCurrency,
    currencyName: store.companyCurrency,
  }));

  app.get<{ Querystring: { after?: string; limit?: string } }>(
    '/settings/v3/currencies/exchange-rates',
    async (req) => {
      const limit = parseLimit(req.query.limit, 100, 100);
      const all = store.exchangeRates
        .filter((r) => req.query.after === undefined || compareIds(r.id, req.query.after) > 0)
        .sort((a, b) => compareIds(a.id, b.id));
      const page = all.slice(0, limit);
      const next = all.length > limit ? page[page.length - 1]!.id : null;
      return { results: page, ...(next === null ? {} : { paging: { next: { after: next, link: '' } } }) };
    },
  );

  app.get('/settings/v3/currencies/exchange-rates/current', async () => {
    const latest = new Map<string, (typeof store.exchangeRates)[number]>();
    for (const r of store.exchangeRates) {
      const seen = latest.get(r.fromCurrencyCode);
      if (!seen || seen.effectiveAt < r.effectiveAt) latest.set(r.fromCurrencyCode, r);
    }
    return { results: [...latest.values()] };
  });

  app.post<{ Body: { fromCurrencyCode?: string; conversionRate?: number; effectiveAt?: string } }>(
    '/settings/v3/currencies/exchange-rates',
    async (req) => {
      const { fromCurrencyCode, conversionRate, effectiveAt } = req.body ?? {};
      if (!fromCurrencyCode || typeof conversionRate !== 'number' || !(conversionRate > 0)) {
        throw new SandboxInputError(
          'VALIDATION_ERROR',
          'fromCurrencyCode and a positive conversionRate are required',
        );
      }
      const stamp = new Date(store.now()).toISOString();
      const rate = {
        id: store.newId(),
        fromCurrencyCode,
        toCurrencyCode: store.companyCurrency,
        conversionRate: Math.round(conversionRate * 1e6) / 1e6,
        effectiveAt: effectiveAt ?? stamp,
        visibleInUI: true,
        createdAt: stamp,
        updatedAt: stamp,
      };
      store.exchangeRates.push(rate);
      return rate;
    },
  );
};

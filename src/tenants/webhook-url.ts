/**
 * The Outbound Message endpoint of a Salesforce tenant, secret included: the admin API and
 * `playercoach tenant add` answer it once, because the admin must paste it into Salesforce.
 */
import type { Tenant } from './tenant.js';

export function salesforceWebhookUrl(publicBaseUrl: string, t: Tenant): string | undefined {
  if (!t.salesforce) return undefined;
  const base = publicBaseUrl.replace(/\/+$/, '');
  return `${base}/webhooks/salesforce/${t.id}/${encodeURIComponent(t.salesforce.webhookSecret)}`;
}

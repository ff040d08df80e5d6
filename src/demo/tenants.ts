/**
 * The demo's two tenants, set up as an admin would with `playercoach tenant add` and `install`
 * (the same tenant store and connector install), then the CRMs' webhooks pointed at the server:
 * the Salesforce Outbound Message at the tenant's secret endpoint, the HubSpot app's webhooks
 * at /webhooks/hubspot.
 */
import type { CrmConnector } from '../../connectors/types.js';
import type { CliRuntime } from '../cli/runtime.js';
import { scheduleReconcile } from '../service/reconcile.js';
import type { Tenant } from '../tenants/tenant.js';
import { salesforceWebhookUrl } from '../tenants/webhook-url.js';
import type { ClosedDeal } from './closed-deal.js';
import { closeHubSpotDeal } from './hubspot-rep.js';
import type { DemoOutput } from './output.js';
import { closeSalesforceDeal } from './salesforce-rep.js';
import { type RunningSandboxes, sandboxTenants } from './sandboxes.js';
import type { RepStory } from './story.js';

export interface DemoTenant {
  label: 'Salesforce' | 'HubSpot';
  tenant: Tenant;
  connector: CrmConnector;
  /** A rep of this CRM closing a deal through its API. */
  closeDeal(story: RepStory): Promise<ClosedDeal>;
}

export async function installTenants(
  rt: CliRuntime,
  sandboxes: RunningSandboxes,
  out: DemoOutput,
): Promise<DemoTenant[]> {
  const bodies = sandboxTenants(sandboxes.info, sandboxes.snapshot, {
    salesforce: 'demo-salesforce',
    hubspot: 'demo-hubspot',
  });
  const sides = [
    {
      label: 'Salesforce' as const,
      body: bodies.salesforce,
      closeDeal: (s: RepStory) => closeSalesforceDeal(sandboxes.info.salesforce.url, s),
    },
    {
      label: 'HubSpot' as const,
      body: bodies.hubspot,
      closeDeal: (s: RepStory) => closeHubSpotDeal(sandboxes.info.hubspot.url, s),
    },
  ];
  const tenants: DemoTenant[] = [];
  for (const side of sides) {
    const tenant = await rt.tenants.create(side.body);
    const connector = rt.deps.connectors(tenant);
    const report = await connector.install();
    // Only now (`tenant add` schedules it at once): a reconcile that ran before the install would
    // see no quotas (they live in playercoach's own object), and the worker would keep that org
    // for ORG_CACHE_TTL_MS.
    await scheduleReconcile(rt.deps, tenant.id);
    tenants.push({ label: side.label, tenant, connector, closeDeal: side.closeDeal });
    out.detail(
      `${side.label.padEnd(11)} tenant ${tenant.id}: ${report.created.length} created, ` +
        `${report.existing.length} already there, ${report.updated.length} updated` +
        (report.skipped?.length ? `, ${report.skipped.length} skipped` : ''),
    );
  }
  return tenants;
}

export function connectWebhooks(
  sandboxes: RunningSandboxes,
  tenants: readonly DemoTenant[],
  publicBaseUrl: string,
  out: DemoOutput,
): void {
  const salesforce = tenants.find((t) => t.label === 'Salesforce')!.tenant;
  sandboxes.salesforce.setOutboundUrl(salesforceWebhookUrl(publicBaseUrl, salesforce)!);
  sandboxes.hubspot.setWebhookUrl(`${publicBaseUrl}/webhooks/hubspot`);
  out.detail(
    `Salesforce  Outbound Message on Opportunity -> ${publicBaseUrl}/webhooks/salesforce/${salesforce.id}/<secret>`,
  );
  out.detail(`HubSpot     signed webhooks (deals, meetings, calls) -> ${publicBaseUrl}/webhooks/hubspot`);
}

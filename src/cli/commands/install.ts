/**
 * `playercoach install --tenant T`: creates what playercoach writes into in the tenant's CRM
 * (Salesforce: custom fields, the attainment object and a permission set; HubSpot: a property
 * group, properties and the attainment custom object). Idempotent: a second run creates nothing.
 */
import type { Command } from 'commander';
import type { InstallReport } from '../../../connectors/types.js';
import { print, printJson, tenantId } from '../options.js';
import { withRuntime } from '../runtime.js';

export function formatInstallReport(tenant: string, report: InstallReport): string {
  const section = (title: string, items: readonly string[]) =>
    items.length === 0 ? [] : [`${title} (${items.length}):`, ...items.map((i) => `  ${i}`)];
  const skipped = report.skipped ?? [];
  const lines = [
    ...section('Created', report.created),
    ...section('Updated', report.updated),
    ...section('Already there', report.existing),
    ...section('Skipped', skipped),
  ];
  const summary =
    report.created.length + report.updated.length === 0
      ? `Nothing to change in ${tenant}'s CRM: everything was already installed.`
      : `Installed into ${tenant}'s CRM: ${report.created.length} created, ${report.updated.length} updated, ` +
        `${report.existing.length} already there${skipped.length > 0 ? `, ${skipped.length} skipped` : ''}.`;
  return [...lines, summary].join('\n');
}

export function register(program: Command): void {
  program
    .command('install')
    .summary("create playercoach's fields, objects and permissions in a tenant's CRM")
    .description(
      "Creates what playercoach writes into in the tenant's CRM, reading first and creating only what is " +
        'missing, so running it again changes nothing. Salesforce: the Opportunity and User fields, the ' +
        'PC_Manager_Attainment__c object and the playercoach permission set (assigned to the connected ' +
        'user). HubSpot: the playercoach property group, the deal properties and the pc_manager_attainment ' +
        'custom object (skipped, with the reason, where the portal has no custom objects).',
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print the report ({created, existing, updated, skipped}) as JSON')
    .action(async (flags: { tenant: string; json?: boolean }) => {
      const id = tenantId(flags.tenant);
      await withRuntime(async (rt) => {
        const tenant = await rt.tenants.require(id);
        const report = await rt.deps.connectors(tenant).install();
        // A worker may have pulled and cached the org before the attainment object existed, i.e.
        // without its quotas; rows built from that copy would carry no quota. Pull afresh.
        await rt.redis.del(rt.deps.keys.tenant(tenant.id).org);
        if (flags.json) printJson(report);
        else print(formatInstallReport(tenant.id, report));
      });
    });
}

/**
 * `playercoach tenant add|list|show|set|remove`: the admin API's tenant routes from a shell, on
 * the same tenant store and reconcile scheduler. What is shown passes through `maskTenant`; the one
 * exception is the Salesforce webhook URL printed once by `add`, which the admin pastes into the
 * Outbound Message.
 */
import type { Command } from 'commander';
import { loadCliConfig } from '../../config.js';
import { parsePolicy } from '../../domain/policy.js';
import { InputError, PlayercoachError } from '../../errors.js';
import { scheduleReconcile, unscheduleReconcile } from '../../service/reconcile.js';
import { managerMappingSchema, maskTenant, type Tenant, tenantSettingsSchema } from '../../tenants/tenant.js';
import { salesforceWebhookUrl } from '../../tenants/webhook-url.js';
import { parseInput } from '../../validate.js';
import { parseFile, readJsonFile } from '../files.js';
import { print, printJson, tenantId } from '../options.js';
import { withRuntime } from '../runtime.js';
import { renderTable } from '../table.js';
import { ACCESS_TOKEN_ENV, REFRESH_TOKEN_ENV, type TenantFlags, tenantBody } from './tenant-body.js';

/**
 * The ledger holds each deal's evaluation under the policy of its day; re-evaluating past deals
 * means pulling them again, which is a backfill's job, so the command says so.
 */
export const BACKFILL_NOTE =
  'Deals changed from now on are evaluated under the new values; to re-credit past periods, run a ' +
  'backfill over them (`playercoach backfill --tenant T --from D --to D`).';

async function add(flags: TenantFlags & { json?: boolean }): Promise<void> {
  const config = loadCliConfig(process.env);
  const body = await tenantBody(flags, process.env, config);
  await withRuntime(async (rt) => {
    const tenant = await rt.tenants.create(body);
    await scheduleReconcile(rt.deps, tenant.id);
    const webhookUrl = salesforceWebhookUrl(rt.config.PUBLIC_BASE_URL, tenant);
    if (flags.json) {
      printJson({ tenant: maskTenant(tenant), ...(webhookUrl ? { webhookUrl } : {}) });
      return;
    }
    print(`Created tenant ${tenant.id} (${tenant.kind}, ${crmOf(tenant)}); its reconcile is scheduled.`);
    if (webhookUrl) {
      print('');
      print('Salesforce Outbound Message endpoint (shown once; it holds the tenant secret):');
      print(`  ${webhookUrl}`);
      print('Point the Outbound Messages on Opportunity, Event and Task at this URL.');
      if (process.env.PUBLIC_BASE_URL === undefined) {
        print(
          `PUBLIC_BASE_URL is not set, so this URL uses ${rt.config.PUBLIC_BASE_URL}; Salesforce must reach the ` +
            'server at its public address: set PUBLIC_BASE_URL and build the URL with that base instead.',
        );
      }
    }
    print('');
    print(`Next: playercoach install --tenant ${tenant.id}`);
  });
}

function crmOf(t: Tenant): string {
  if (t.salesforce) return `org ${t.salesforce.orgId} at ${t.salesforce.instanceUrl}`;
  if (t.hubspot) return `portal ${t.hubspot.portalId}`;
  return 'no CRM';
}

async function list(flags: { json?: boolean }): Promise<void> {
  await withRuntime(async (rt) => {
    const tenants = (await rt.tenants.list()).map(maskTenant);
    if (flags.json) {
      printJson({ tenants });
      return;
    }
    if (tenants.length === 0) {
      print('No tenants yet. Add one with `playercoach tenant add --help`.');
      return;
    }
    print(
      renderTable(
        [
          { header: 'TENANT' },
          { header: 'NAME' },
          { header: 'KIND' },
          { header: 'CRM' },
          { header: 'CREATED' },
        ],
        tenants.map((t) => [t.id, t.name, t.kind, crmOf(t), t.createdAt]),
      ),
    );
  });
}

async function show(id: string, flags: { json?: boolean }): Promise<void> {
  const tenantIdValue = tenantId(id, 'tenant');
  await withRuntime(async (rt) => {
    const t = maskTenant(await rt.tenants.require(tenantIdValue));
    if (flags.json) {
      printJson({ tenant: t });
      return;
    }
    print(`tenant    ${t.id} (${t.name})`);
    print(`kind      ${t.kind}, ${crmOf(t)}`);
    if (t.salesforce)
      print(`login     ${t.salesforce.loginUrl}; webhook secret ${t.salesforce.webhookSecret}`);
    if (t.hubspot) print(`api       ${t.hubspot.basePath}`);
    const c = t.credentials;
    print(
      `tokens    access ${c.accessToken}${c.refreshToken ? `, refresh ${c.refreshToken}` : ', no refresh token'}` +
        (c.expiresAt !== undefined ? `, expires ${new Date(c.expiresAt).toISOString()}` : ''),
    );
    print(`created   ${t.createdAt}, updated ${t.updatedAt}`);
    print(`policy    ${JSON.stringify(t.policy)}`);
    print(`settings  ${JSON.stringify(t.settings)}`);
    if (t.kind === 'hubspot') print(`mapping   ${JSON.stringify(t.managerMapping)}`);
  });
}

interface SetFlags {
  policy?: string;
  settings?: string;
  managerMapping?: string;
  json?: boolean;
}

async function set(id: string, flags: SetFlags): Promise<void> {
  const tenantIdValue = tenantId(id, 'tenant');
  if (flags.policy === undefined && flags.settings === undefined && flags.managerMapping === undefined) {
    throw new InputError('say what to set: --policy <file>, --settings <file> or --manager-mapping <file>');
  }
  // Every file is read and checked before anything is written, so a bad one changes nothing.
  const policy =
    flags.policy === undefined
      ? undefined
      : parseFile(flags.policy, await readJsonFile(flags.policy, 'policy file'), parsePolicy);
  const settings =
    flags.settings === undefined
      ? undefined
      : parseFile(flags.settings, await readJsonFile(flags.settings, 'settings file'), (raw) =>
          parseInput(tenantSettingsSchema, raw, 'settings'),
        );
  const mapping =
    flags.managerMapping === undefined
      ? undefined
      : parseFile(
          flags.managerMapping,
          await readJsonFile(flags.managerMapping, 'manager mapping file'),
          (raw) => parseInput(managerMappingSchema, raw, 'manager mapping'),
        );
  await withRuntime(async (rt) => {
    const tenant = await rt.tenants.require(tenantIdValue);
    if (mapping !== undefined && tenant.kind !== 'hubspot') {
      throw new InputError(
        `--manager-mapping: tenant "${tenant.id}" is a ${tenant.kind} tenant; the manager mapping applies to ` +
          'HubSpot tenants only (Salesforce users carry their ManagerId)',
      );
    }
    const out: Record<string, unknown> = {};
    if (policy !== undefined) out.policy = await rt.tenants.updatePolicy(tenant.id, policy);
    if (settings !== undefined) out.settings = await rt.tenants.updateSettings(tenant.id, settings);
    if (mapping !== undefined) out.managerMapping = await rt.tenants.updateManagerMapping(tenant.id, mapping);
    if (flags.json) {
      printJson({ ...out, note: BACKFILL_NOTE });
      return;
    }
    for (const [what, value] of Object.entries(out))
      print(`Set ${what} of ${tenant.id}: ${JSON.stringify(value)}`);
    print(BACKFILL_NOTE);
  });
}

async function remove(id: string, flags: { yes?: boolean }): Promise<void> {
  const tenantIdValue = tenantId(id, 'tenant');
  if (!flags.yes) {
    throw new InputError(
      `removing tenant ${tenantIdValue} deletes its credentials, policy, ledger, attainment rows and ` +
        'backfills from Redis and stops its reconcile (what was written into the CRM stays). ' +
        `Run again with --yes to do it: playercoach tenant remove ${tenantIdValue} --yes`,
    );
  }
  await withRuntime(async (rt) => {
    if (!(await rt.tenants.delete(tenantIdValue))) {
      throw new PlayercoachError('NOT_FOUND', `tenant "${tenantIdValue}" does not exist`);
    }
    await unscheduleReconcile(rt.deps, tenantIdValue);
    print(`Removed tenant ${tenantIdValue} and unscheduled its reconcile.`);
  });
}

export function register(program: Command): void {
  const tenant = program
    .command('tenant')
    .summary('add, list, show, change and remove tenants (CRM orgs and portals)')
    .description(
      'Tenants are the Salesforce orgs and HubSpot portals playercoach works for, kept in Redis with ' +
        'their tokens encrypted. Needs REDIS_URL, KEY_PREFIX and ENCRYPTION_KEY as the server and worker use.',
    );

  tenant
    .command('add')
    .summary('add a tenant from a JSON file or from flags, and schedule its reconcile')
    .description(
      'Adds a tenant, schedules its periodic reconcile, and for Salesforce prints the Outbound Message ' +
        'URL ($PUBLIC_BASE_URL/webhooks/salesforce/<tenant>/<secret>) once. Give either --file with the ' +
        'body of POST /admin/tenants, or the flags below.',
    )
    .option('--file <file>', 'the whole tenant as JSON (the body of POST /admin/tenants)')
    .option('--id <id>', 'tenant id: 2-63 characters of a-z, 0-9 and -')
    .option('--name <name>', 'display name')
    .option('--kind <kind>', 'salesforce or hubspot')
    .option('--instance-url <url>', 'Salesforce: the org instance URL (https://acme.my.salesforce.com)')
    .option('--login-url <url>', 'Salesforce: where tokens are refreshed (default: $SALESFORCE_LOGIN_URL)')
    .option('--org-id <id>', 'Salesforce: the organization id, 00D...')
    .option('--portal-id <n>', 'HubSpot: the portal (hub) id')
    .option('--base-path <url>', 'HubSpot: API base (default: $HUBSPOT_BASE_PATH)')
    .option('--access-token <token>', `OAuth access token (better: set ${ACCESS_TOKEN_ENV})`)
    .option('--refresh-token <token>', `OAuth refresh token (better: set ${REFRESH_TOKEN_ENV})`)
    .option('--expires-at <when>', 'when the access token expires: epoch ms or an ISO instant')
    .option('--policy <file>', 'crediting policy JSON (any subset of fields; defaults for the rest)')
    .option('--settings <file>', 'settings JSON: timezone, fiscalYearStartMonth, internalDomains')
    .option('--manager-mapping <file>', 'HubSpot: owner/team -> manager mapping JSON')
    .option('--json', 'print the created tenant (masked) and the webhook URL as JSON')
    .addHelpText(
      'after',
      `
Tokens: --access-token/--refresh-token land in shell history; prefer the environment:
  ${ACCESS_TOKEN_ENV}=... ${REFRESH_TOKEN_ENV}=... playercoach tenant add ...
A flag wins over its variable.

Examples:
  playercoach tenant add --id acme --name Acme --kind salesforce \\
    --instance-url https://acme.my.salesforce.com --org-id 00D5g000000AbCdEAK
  playercoach tenant add --id globex --name Globex --kind hubspot --portal-id 62515 \\
    --manager-mapping mapping.json
  playercoach tenant add --file tenant.json
`,
    )
    .action(add);

  tenant
    .command('list')
    .summary('list tenants')
    .option('--json', 'print the tenants (secrets masked) as JSON')
    .action(list);

  tenant
    .command('show')
    .summary('show one tenant, tokens and secrets masked')
    .argument('<tenant>', 'tenant id')
    .option('--json', 'print the tenant (masked) as JSON')
    .action(show);

  tenant
    .command('set')
    .summary("replace a tenant's policy, settings or HubSpot manager mapping")
    .description(
      "Replaces a tenant's crediting policy, settings or (HubSpot) manager mapping with the JSON in the " +
        'given files. Every file is checked before anything is written. Past deals keep their credit ' +
        'until a backfill re-evaluates them.',
    )
    .argument('<tenant>', 'tenant id')
    .option('--policy <file>', 'policy JSON: any subset of the fields; the rest take the defaults')
    .option('--settings <file>', 'settings JSON: timezone, fiscalYearStartMonth, internalDomains')
    .option(
      '--manager-mapping <file>',
      'HubSpot only: {"owners": {ownerId: managerId}, "teams": {teamId: managerId}}',
    )
    .option('--json', 'print what was set and the backfill note as JSON')
    .action(set);

  tenant
    .command('remove')
    .summary('remove a tenant: every key it has in Redis, and its reconcile')
    .argument('<tenant>', 'tenant id')
    .option('--yes', 'really remove it')
    .action(remove);
}

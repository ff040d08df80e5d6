/**
 * `playercoach sandbox [--deals N] [--seed S] [--as-of D] [--host H] [--salesforce-port P]
 * [--hubspot-port P] [--json]`: starts the Salesforce and HubSpot sandboxes seeded with one
 * generated org, prints their URLs and the credentials to use, and runs until SIGINT or SIGTERM
 * (then exits 0). With --json the same facts are one JSON document on stdout, for scripts.
 */
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import type { SandboxInfo, sandboxTenants } from '../../demo/sandboxes.js';
import { InputError } from '../../errors.js';
import type { CommandModule } from '../program.js';
import { untilSignal } from '../signals.js';

/** A few hundred deals load in about a second and still give every manager a quarter of history. */
export const SANDBOX_DEFAULTS = { deals: 300, seed: 1 } as const;

interface SandboxFlags {
  deals: string;
  seed: string;
  asOf?: string;
  host: string;
  publicHost?: string;
  salesforcePort: string;
  hubspotPort: string;
  json?: boolean;
}

export const sandboxCommand: CommandModule = {
  register(program: Command) {
    program
      .command('sandbox')
      .description(
        'Start local Salesforce and HubSpot sandboxes seeded with a generated org, print their URLs ' +
          'and credentials, and run until Ctrl-C. The apps take SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET, ' +
          'HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET from the environment when set, so a server configured ' +
          'with the same variables can talk to them.',
      )
      .option('--deals <n>', 'deals in the generated org', String(SANDBOX_DEFAULTS.deals))
      .option('--seed <s>', 'random seed of the generated org', String(SANDBOX_DEFAULTS.seed))
      .option('--as-of <date>', 'the day the org is generated as of, YYYY-MM-DD (default: today)')
      .option('--host <host>', 'address to listen on (0.0.0.0 to reach it from other machines)', '127.0.0.1')
      .option(
        '--public-host <name>',
        'host name clients reach the sandboxes by, if not --host (e.g. in compose)',
      )
      .option('--salesforce-port <port>', 'port of the Salesforce sandbox (0: any free port)', '0')
      .option('--hubspot-port <port>', 'port of the HubSpot sandbox (0: any free port)', '0')
      .option('--json', 'print the URLs and credentials as one JSON document')
      .action(async (flags: SandboxFlags) => {
        const options = { ...parseFlags(flags), apps: appsFrom(process.env) };
        // Listen for signals first, so a Ctrl-C while the org loads still ends cleanly.
        const stop = untilSignal();
        // Loaded here, not at the top: every other command would pay for compiling both sandboxes.
        const { sandboxTenants, startSandboxes } = await import('../../demo/sandboxes.js');
        const running = await startSandboxes(options);
        const tenants = sandboxTenants(running.info, running.snapshot, {
          salesforce: 'sandbox-salesforce',
          hubspot: 'sandbox-hubspot',
        });
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ ...running.info, tenants })}\n`
            : describeSandboxes(running.info, tenants),
        );
        await stop;
        await running.close();
      });
  },
};

function parseFlags(flags: SandboxFlags) {
  const problems: string[] = [];
  const int = (value: string, flag: string, min: number, max: number) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`${flag}: must be a whole number from ${min} to ${max}, not "${value}"`);
    }
    return Number(value);
  };
  const deals = int(flags.deals, '--deals', 1, 1_000_000);
  const seed = int(flags.seed, '--seed', 0, 4_294_967_295);
  const salesforcePort = int(flags.salesforcePort, '--salesforce-port', 0, 65_535);
  const hubspotPort = int(flags.hubspotPort, '--hubspot-port', 0, 65_535);
  const asOf = flags.asOf ?? DateTime.utc().toISODate();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || !DateTime.fromISO(asOf).isValid) {
    problems.push(`--as-of: must be a date YYYY-MM-DD, not "${asOf}"`);
  }
  if (salesforcePort !== 0 && salesforcePort === hubspotPort) {
    problems.push('--hubspot-port: must differ from --salesforce-port');
  }
  if (problems.length > 0) throw new InputError(problems);
  return {
    deals,
    seed,
    asOf,
    host: flags.host,
    ...(flags.publicHost ? { publicHost: flags.publicHost } : {}),
    salesforcePort,
    hubspotPort,
  };
}

/** The apps' credentials as serve and worker read them (src/config.ts), so both sides agree. */
function appsFrom(env: NodeJS.ProcessEnv) {
  const app = (id: string | undefined, secret: string | undefined) => ({
    ...(id ? { clientId: id } : {}),
    ...(secret ? { clientSecret: secret } : {}),
  });
  return {
    salesforce: app(env.SALESFORCE_CLIENT_ID, env.SALESFORCE_CLIENT_SECRET),
    hubspot: app(env.HUBSPOT_CLIENT_ID, env.HUBSPOT_CLIENT_SECRET),
  };
}

function describeSandboxes(info: SandboxInfo, tenants: ReturnType<typeof sandboxTenants>): string {
  const sf = info.salesforce;
  const hs = info.hubspot;
  const rows = (pairs: Array<[string, string]>) => pairs.map(([k, v]) => `  ${k.padEnd(15)} ${v}`).join('\n');
  return [
    `Sandbox CRMs with a generated org: ${info.org.deals} deals, ${info.org.users} users, ` +
      `${info.org.activities} meetings and calls (seed ${info.org.seed}, as of ${info.org.asOf}).`,
    '',
    `Salesforce  ${sf.url}   (instance URL and login URL)`,
    rows([
      ['org id', sf.orgId],
      ['client id', sf.clientId],
      ['client secret', sf.clientSecret],
      ['access token', sf.accessToken],
      ['refresh token', sf.refreshToken],
      ['OAuth', `${sf.authorizeUrl}  ${sf.tokenUrl}`],
      ['more tokens', `curl -X POST ${sf.tokensUrl}`],
    ]),
    '',
    `HubSpot     ${hs.url}   (the API's basePath)`,
    rows([
      ['portal id', String(hs.portalId)],
      ['app id', String(hs.appId)],
      ['client id', hs.clientId],
      ['client secret', hs.clientSecret],
      ['access token', hs.accessToken],
      ['refresh token', hs.refreshToken],
      ['OAuth', `${hs.authorizeUrl}  ${hs.tokenUrl}`],
      ['more tokens', `curl -X POST ${hs.tokensUrl}`],
      ['manager teams', JSON.stringify(hs.managerMapping.teams)],
    ]),
    '',
    'Point `playercoach serve` and `playercoach worker` at them with:',
    `  export ${Object.entries(info.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' \\\n    ')}`,
    '',
    'Tenant bodies for POST /admin/tenants (`--json` prints them too):',
    `  ${JSON.stringify(tenants.salesforce)}`,
    `  ${JSON.stringify(tenants.hubspot)}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

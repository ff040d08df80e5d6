/**
 * `playercoach snapshot export --tenant T [--from D --to D] [--out F]`: pulls the tenant's org
 * through its connector and writes it as an org snapshot (DESIGN.md "Normalized model"), so
 * `playercoach compute --snapshot F --policy P` can try another policy on real data before an admin
 * changes it. The org part is what the worker gives the engine (jobs/tenant-runtime.ts `orgInput`):
 * the tenant's settings over the CRM's calendar and domains, and the manager history the service
 * kept, so `compute` with the tenant's policy gives what the service computes.
 */
import type { Command } from 'commander';
import { pullSnapshot } from '../../../connectors/pull-snapshot.js';
import { orgInput } from '../../../jobs/tenant-runtime.js';
import type { Snapshot } from '../../domain/snapshot.js';
import { InputError } from '../../errors.js';
import { tenantStores } from '../../store/tenant-stores.js';
import { writeFileAtomically, writeToStdout } from '../files.js';
import { prettyJsonObject } from '../json-output.js';
import { dateFlag, tenantId } from '../options.js';
import { type CliRuntime, withRuntime } from '../runtime.js';

/** Every deal the CRM has, when no range is given. */
const ALL = { from: '1970-01-01', to: '9999-12-31' };

interface ExportFlags {
  tenant: string;
  from?: string;
  to?: string;
  out?: string;
  policyOut?: string;
}

export async function exportSnapshot(
  rt: CliRuntime,
  tenantIdValue: string,
  range: { from: string; to: string },
): Promise<{ snapshot: Snapshot; pages: number }> {
  const tenant = await rt.tenants.require(tenantIdValue);
  const stores = tenantStores(rt.redis, rt.deps.keys.tenant(tenant.id));
  // Splits and account activities whatever the tenant's policy: a what-if may turn them on.
  const pulled = await pullSnapshot(rt.deps.connectors(tenant), {
    tenant: tenant.id,
    ...range,
    splits: true,
    accountActivities: true,
  });
  const s = pulled.snapshot;
  const org = orgInput(
    tenant,
    // orgInput reads only the org-wide fields; the CRM's current values play no part in it.
    { ...s, current: { attainment: new Map(), users: new Map() } },
    await stores.history.list(),
  );
  return { snapshot: { ...org, deals: s.deals, activities: s.activities }, pages: pulled.pages };
}

export function register(program: Command): void {
  const snapshot = program.command('snapshot').summary("org snapshots of a tenant's CRM data");
  snapshot
    .command('export')
    .summary("write a tenant's org (deals closed in a range, their activities) as an org snapshot")
    .description(
      "Pulls the tenant's users, quotas, rates and the deals closed in [--from, --to] with their activities " +
        "(splits and account activities included) through its connector, and writes an org snapshot with the tenant's " +
        'settings and the manager history playercoach kept. `playercoach compute --snapshot F` on it gives what ' +
        "the service computes for those deals; with --policy another policy, a what-if on real data. Uses the CRM's API " +
        'calls (about one per 2,000 deals, plus their activities).',
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--from <date>', 'first close date, YYYY-MM-DD (default: no lower bound)')
    .option('--to <date>', 'last close date, YYYY-MM-DD (default: no upper bound)')
    .option('--out <file>', 'write to this file instead of stdout (only once complete)')
    .option('--policy-out <file>', "also write the tenant's current policy here, for compute --policy")
    .addHelpText(
      'after',
      `
Example (what-if: would a 30-day window change attainment?):
  playercoach snapshot export --tenant acme --from 2026-01-01 --to 2026-03-31 --out acme.json --policy-out policy.json
  playercoach compute --snapshot acme.json --policy policy.json --out now.json
  echo '{"lookbackDays": 30}' > narrow.json
  playercoach compute --snapshot acme.json --policy narrow.json --out narrow-result.json
`,
    )
    .action(async (flags: ExportFlags) => {
      const id = tenantId(flags.tenant);
      const range = {
        from: flags.from === undefined ? ALL.from : dateFlag(flags.from, '--from'),
        to: flags.to === undefined ? ALL.to : dateFlag(flags.to, '--to'),
      };
      if (range.from > range.to) throw new InputError(`--from ${range.from} is after --to ${range.to}`);
      await withRuntime(async (rt) => {
        const { snapshot: snap, pages } = await exportSnapshot(rt, id, range);
        const chunks = (function* () {
          yield* prettyJsonObject(snap);
          yield '\n';
        })();
        if (flags.out === undefined) await writeToStdout(chunks);
        else await writeFileAtomically(flags.out, chunks);
        if (flags.policyOut !== undefined) {
          const tenant = await rt.tenants.require(id);
          await writeFileAtomically(flags.policyOut, [`${JSON.stringify(tenant.policy, null, 2)}\n`]);
        }
        process.stderr.write(
          `exported ${snap.deals.length} deals, ${snap.activities.length} activities, ${snap.users.length} users, ` +
            `${snap.quotas.length} quotas (${pages} page${pages === 1 ? '' : 's'})` +
            `${flags.out ? ` to ${flags.out}` : ''}\n`,
        );
      });
    });
}

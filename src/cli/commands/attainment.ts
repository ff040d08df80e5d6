/**
 * `playercoach attainment --tenant T [--period P] [--manager ID]`: the manager attainment rows the
 * pipeline computed (what it writes into the CRM's attainment records), one table per period:
 * quota, credited, attainment, assisted deals, and the share of the team's bookings the manager
 * helped close (credited / team won amount).
 */
import type { Command } from 'commander';
import { Decimal } from 'decimal.js';
import type { OrgContext } from '../../domain/org-context.js';
import type { AttainmentRow } from '../../domain/results.js';
import { periodLabel } from '../../domain/snapshot.js';
import { InputError } from '../../errors.js';
import { attainmentFor } from '../../service/attainment.js';
import { print, printJson, tenantId } from '../options.js';
import { withRuntime } from '../runtime.js';
import { renderTable } from '../table.js';
import { cachedOrgContext } from '../tenant-org.js';

export interface AttainmentOutputRow extends AttainmentRow {
  /** The manager's name where the org has one. */
  managerName: string | null;
  /** credited / teamWonAmount, 4 decimals; null when the team won nothing in the period. */
  teamShare: string | null;
}

export function withNames(rows: readonly AttainmentRow[], ctx: OrgContext | null): AttainmentOutputRow[] {
  return rows.map((r) => {
    const team = new Decimal(r.teamWonAmount);
    return {
      ...r,
      managerName: ctx?.users.get(r.managerId)?.name || null,
      teamShare: team.isZero()
        ? null
        : new Decimal(r.credited).div(team).toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN).toFixed(4),
    };
  });
}

/** "0.5217" -> "52.17%". */
export function percent(ratio: string | null): string {
  return ratio === null ? '-' : `${new Decimal(ratio).times(100).toFixed(2)}%`;
}

export function formatAttainment(rows: readonly AttainmentOutputRow[]): string {
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  return periods
    .map((period) =>
      [
        `${period}:`,
        renderTable(
          [
            { header: 'MANAGER' },
            { header: 'QUOTA', align: 'right' },
            { header: 'CREDITED', align: 'right' },
            { header: 'ATTAINMENT', align: 'right' },
            { header: 'ASSISTED DEALS', align: 'right' },
            { header: 'TEAM WON', align: 'right' },
            { header: 'SHARE OF TEAM', align: 'right' },
          ],
          rows
            .filter((r) => r.period === period)
            .map((r) => [
              r.managerName ? `${r.managerName} (${r.managerId})` : r.managerId,
              r.quota ?? '-',
              r.credited,
              percent(r.attainment),
              String(r.assistedDeals),
              `${r.teamWonAmount} (${r.teamWonDeals})`,
              percent(r.teamShare),
            ]),
        ),
      ].join('\n'),
    )
    .join('\n\n');
}

export function register(program: Command): void {
  program
    .command('attainment')
    .summary('manager attainment per period: quota, credited, attainment, assisted deals, share of team')
    .description(
      'Prints the attainment rows playercoach computed for a tenant (the values it writes into the CRM), ' +
        'one table per period: quota, credited (corporate currency), attainment (credited / quota), deals ' +
        "the manager was credited for, the team's won amount (and deals), and the share of it the manager " +
        'helped close (credited / team won amount).',
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--period <label>', 'only this fiscal period, such as FY2026-Q1 or FY2026-M03')
    .option('--manager <id>', 'only this manager (user or owner id)')
    .option('--json', 'print the rows as JSON (with managerName and teamShare)')
    .action(async (flags: { tenant: string; period?: string; manager?: string; json?: boolean }) => {
      const id = tenantId(flags.tenant);
      if (flags.period !== undefined && !periodLabel.safeParse(flags.period).success) {
        throw new InputError(
          `--period "${flags.period}": must be a period label such as FY2026-Q1 or FY2026-M03`,
        );
      }
      await withRuntime(async (rt) => {
        const query = {
          ...(flags.period !== undefined ? { period: flags.period } : {}),
          ...(flags.manager !== undefined ? { managerId: flags.manager } : {}),
        };
        const rows = await attainmentFor(rt.service, id, query);
        const named = withNames(rows, await cachedOrgContext(rt, await rt.tenants.require(id)));
        if (flags.json) printJson({ attainment: named });
        else if (named.length === 0)
          print(`No attainment rows for ${id}${flags.period ? ` in ${flags.period}` : ''} yet.`);
        else print(formatAttainment(named));
      });
    });
}

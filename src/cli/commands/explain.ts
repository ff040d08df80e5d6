/**
 * `playercoach explain --tenant T --deal ID`: why a deal was or was not credited. The ledger gives
 * the decision for each evaluated manager with its evidence and reason (service explainDeal); the
 * deal is pulled again through the tenant's connector for its activities (date, kind, who was on
 * them, whether they count) and for what the CRM holds now, shown beside what playercoach wants,
 * with a pending write-back and the last write failure.
 */
import type { Command } from 'commander';
import { Decimal } from 'decimal.js';
import type { DealBatch } from '../../../connectors/types.js';
import type { OrgContext } from '../../domain/org-context.js';
import type { Deal } from '../../domain/snapshot.js';
import { type DealFields, sameDealFields } from '../../domain/write-back.js';
import { InputError } from '../../errors.js';
import { type DealExplanation, explainDeal } from '../../service/attainment.js';
import type { Tenant } from '../../tenants/tenant.js';
import { print, printJson, tenantId } from '../options.js';
import { type CliRuntime, withRuntime } from '../runtime.js';
import { renderTable } from '../table.js';
import { cachedOrgContext, userLabel } from '../tenant-org.js';
import { type ExplainedActivity, explainActivities } from './explain-activities.js';

export interface ExplainOutput {
  tenant: string;
  deal: DealExplanation;
  /** The deal as the CRM has it now; null when the CRM no longer has it or could not be read. */
  crmDeal: Deal | null;
  activities: ExplainedActivity[];
  /** What the CRM's playercoach fields on the deal hold now, read just now. */
  crmNow: DealFields | null;
  /** Why the CRM could not be read, when it could not. */
  crmError?: string;
}

async function pullDeal(rt: CliRuntime, tenant: Tenant, dealId: string): Promise<DealBatch | string> {
  try {
    return await rt.deps.connectors(tenant).pullDeals([dealId], {
      splits: tenant.policy.creditBasis === 'splits',
      accountActivities: tenant.policy.includeAccountActivities,
    });
  } catch (err) {
    // The ledger's answer stands on its own: say why the live part is missing, show the rest.
    return err instanceof Error ? err.message : String(err);
  }
}

export async function explain(
  rt: CliRuntime,
  tenantIdValue: string,
  dealId: string,
): Promise<{ output: ExplainOutput; ctx: OrgContext | null }> {
  const deal = await explainDeal(rt.service, tenantIdValue, dealId);
  const tenant = await rt.tenants.require(tenantIdValue);
  const [ctx, pulled] = await Promise.all([cachedOrgContext(rt, tenant), pullDeal(rt, tenant, dealId)]);
  if (typeof pulled === 'string') {
    return {
      output: { tenant: tenant.id, deal, crmDeal: null, activities: [], crmNow: null, crmError: pulled },
      ctx,
    };
  }
  const crmDeal = pulled.deals.find((d) => d.id === dealId) ?? null;
  const output: ExplainOutput = {
    tenant: tenant.id,
    deal,
    crmDeal,
    activities: crmDeal && ctx ? explainActivities(ctx, crmDeal, pulled.activities) : [],
    crmNow: pulled.current.get(dealId) ?? null,
  };
  return { output, ctx };
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

export function formatExplanation(out: ExplainOutput, ctx: OrgContext | null): string {
  const { deal } = out;
  const lines: string[] = [];
  const d = out.crmDeal;
  lines.push(
    `Deal ${deal.dealId}${d ? ` "${d.name}"` : ''}: ${deal.won ? 'closed won' : 'not won'}` +
      `${d ? ` on ${d.closeDate}` : ''}, period ${deal.period}` +
      (deal.won
        ? `, ${deal.amount} in the corporate currency${d ? ` (${d.amount} ${d.currency})` : ''}`
        : ''),
  );
  if (d)
    lines.push(
      `Owner: ${userLabel(ctx, d.ownerId)}; team manager on the close date: ${userLabel(ctx, deal.teamManagerId)}`,
    );
  lines.push('');
  if (deal.decisions.length === 0) {
    lines.push('No manager was evaluated: the deal is not closed won.');
  } else {
    lines.push('Decisions:');
    lines.push(
      renderTable(
        [
          { header: 'MANAGER' },
          { header: 'LEVEL', align: 'right' },
          { header: 'CREDITED' },
          { header: 'AMOUNT', align: 'right' },
          { header: 'PERIOD' },
          { header: 'EVIDENCE' },
        ],
        deal.decisions.map((x) => [
          userLabel(ctx, x.managerId),
          String(x.level),
          yesNo(x.credited),
          x.amount,
          x.period,
          x.evidence.join(', ') || '-',
        ]),
      ),
    );
    for (const x of deal.decisions) lines.push(`  ${userLabel(ctx, x.managerId)}: ${x.reason}`);
  }
  lines.push('');
  if (out.crmError !== undefined) {
    lines.push(
      `The CRM could not be read (${out.crmError}): activities and the CRM's current values are not shown.`,
    );
  } else if (d === null) {
    lines.push('The CRM no longer has this deal (deleted or not visible to the connected user).');
  } else if (out.activities.length === 0) {
    lines.push('No activity is linked to the deal in the CRM.');
  } else {
    lines.push('Activities:');
    lines.push(
      renderTable(
        [
          { header: 'ID' },
          { header: 'DATE' },
          { header: 'KIND' },
          { header: 'COUNTS' },
          { header: 'EXTERNAL' },
          { header: 'INTERNAL' },
        ],
        out.activities.map((a) => [
          a.id,
          a.date,
          a.kind,
          a.counts ? 'yes' : `no: ${a.excludedBecause}`,
          a.external.map((p) => `${p.label} (${p.status})`).join(', ') || '-',
          a.internal
            .map((p) => `${p.name} (${p.role === 'organizer' ? 'organizer' : p.status})`)
            .join(', ') || '-',
        ]),
      ),
    );
  }
  lines.push('');
  const now = out.crmNow ?? deal.crm;
  lines.push(
    ...fieldLines(
      deal.fields,
      now,
      out.crmNow !== null ? 'the CRM has now' : 'the CRM had when last seen',
      ctx,
    ),
  );
  const inSync = now !== null && sameDealFields(deal.fields, now);
  lines.push(
    deal.writePending
      ? 'A write-back of this deal is pending.'
      : inSync
        ? 'The CRM holds what playercoach wants.'
        : 'The CRM differs and no write-back is pending: the next sync of the deal (a webhook, the reconcile, or a backfill over its close date) writes it.',
  );
  if (deal.failure) {
    lines.push(
      `Last write failure${deal.failure.at ? ` (${deal.failure.at})` : ''}: ${deal.failure.code}: ${deal.failure.message}` +
        (deal.failure.retryable ? ' (will be retried)' : ''),
    );
  }
  return lines.join('\n');
}

/**
 * The deal's playercoach fields: one value per field where the CRM agrees, both where it does not.
 * Lines rather than a table: a reason is a long sentence and would stretch every column.
 */
function fieldLines(
  want: DealFields,
  have: DealFields | null,
  haveLabel: string,
  ctx: OrgContext | null,
): string[] {
  const rows: [string, string, string | null, boolean][] = [
    ['involved', yesNo(want.involved), have ? yesNo(have.involved) : null, have?.involved === want.involved],
    [
      'credited manager',
      userLabel(ctx, want.creditedManagerId),
      have ? userLabel(ctx, have.creditedManagerId) : null,
      have?.creditedManagerId === want.creditedManagerId,
    ],
    // A CRM may answer 5100 for 5100.00.
    [
      'credit',
      want.credit,
      have ? have.credit : null,
      have !== null && new Decimal(have.credit).equals(want.credit),
    ],
    ['reason', want.reason, have ? have.reason : null, have?.reason === want.reason],
  ];
  const out = ['Fields on the deal:'];
  for (const [name, w, h, same] of rows) {
    const label = `  ${name.padEnd(16)}  `;
    if (same) out.push(`${label}${w}`);
    else {
      out.push(`${label}playercoach wants: ${w}`);
      out.push(`${' '.repeat(label.length)}${haveLabel}: ${h ?? '(never read)'}`);
    }
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('explain')
    .summary('why a deal was or was not credited: decisions, activities, and the CRM fields')
    .description(
      'Shows, for one deal, the decision for each evaluated manager (credited or not, level, amount, ' +
        'period, evidence, and the rule that decided), the activities linked to it in the CRM (date in ' +
        "the tenant's time zone, kind, external and internal participants, whether it counts), and what the " +
        "CRM's playercoach fields hold beside what playercoach wants, with any pending write or write failure. " +
        'A deal no sync, reconcile or backfill has evaluated yet is reported as not found (exit code 1).',
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--deal <id>', 'the deal (Opportunity or HubSpot deal) id')
    .option('--json', 'print everything as JSON')
    .action(async (flags: { tenant: string; deal: string; json?: boolean }) => {
      const id = tenantId(flags.tenant);
      if (flags.deal.length === 0 || flags.deal.length > 64)
        throw new InputError('--deal must be 1-64 characters');
      await withRuntime(async (rt) => {
        const { output, ctx } = await explain(rt, id, flags.deal);
        if (flags.json) printJson(output);
        else print(formatExplanation(output, ctx));
      });
    });
}

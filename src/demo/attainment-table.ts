/**
 * The managers' attainment for one period as the CRM holds it: read back from playercoach's
 * fields in the CRM through the connector (Salesforce PC_Manager_Attainment__c records, HubSpot
 * pc_manager_attainment objects), never from Redis, so the table shows what a manager would see.
 */
import { Decimal } from 'decimal.js';
import type { CrmConnector, OrgData } from '../../connectors/types.js';
import { renderTable } from '../cli/table.js';
import type { AttainmentFields } from '../domain/write-back.js';

export interface AttainmentView {
  org: OrgData;
  period: string;
  /** By manager id. */
  rows: Map<string, AttainmentFields>;
}

export async function readAttainment(connector: CrmConnector, period: string): Promise<AttainmentView> {
  const org = await connector.pullOrg();
  const rows = new Map<string, AttainmentFields>();
  for (const row of org.current.attainment.values()) if (row.period === period) rows.set(row.managerId, row);
  return { org, period, rows };
}

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const formatMoney = (value: string | null) => (value === null ? '-' : money.format(Number(value)));
const formatRatio = (ratio: string | null) =>
  ratio === null ? '-' : `${new Decimal(ratio).times(100).toFixed(2)}%`;

/** Rows whose credited figure differs between the two views. */
export function movedManagers(before: AttainmentView, after: AttainmentView): string[] {
  return [...after.rows.values()]
    .filter((row) => before.rows.get(row.managerId)?.credited !== row.credited)
    .map((row) => row.managerId);
}

/**
 * One line per manager with a row in the period, sorted by name. With `before`, a last column
 * says how the figures moved, and `mark` (bold on a terminal) sets the moved rows apart.
 */
export const formatAmount = (value: string) => money.format(Number(value));

export function renderAttainment(
  view: AttainmentView,
  options: { before?: AttainmentView; mark?: (text: string) => string } = {},
): string {
  const names = new Map(view.org.users.map((u) => [u.id, u.name]));
  const moved = new Set(options.before ? movedManagers(options.before, view) : []);
  const rows = [...view.rows.values()]
    .map((row) => ({ row, name: names.get(row.managerId) ?? row.managerId }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const currency = view.org.corporateCurrency;
  const lines = rows.map(({ row, name }) => {
    const cells = [
      name,
      formatMoney(row.quota),
      formatMoney(row.credited),
      formatRatio(row.attainment),
      String(row.assistedDeals),
    ];
    if (!options.before) return cells;
    if (!moved.has(row.managerId)) return [...cells, ''];
    const was = options.before.rows.get(row.managerId);
    const credited = new Decimal(row.credited).minus(was?.credited ?? '0');
    const points =
      row.attainment === null
        ? ''
        : `, +${new Decimal(row.attainment)
            .minus(was?.attainment ?? '0')
            .times(100)
            .toFixed(2)} pts`;
    return [...cells, `<- moved: +${money.format(credited.toNumber())} credited${points}`];
  });
  const columns = [
    { header: 'Manager' },
    { header: `Quota (${currency})`, align: 'right' as const },
    { header: `Credited (${currency})`, align: 'right' as const },
    { header: 'Attainment', align: 'right' as const },
    { header: 'Assisted deals', align: 'right' as const },
    ...(options.before ? [{ header: 'Change' }] : []),
  ];
  const table = renderTable(columns, lines).split('\n');
  const mark = options.mark ?? ((t: string) => t);
  // The header and the rule come first; the rows follow in the order of `rows`.
  return table
    .map((line, i) => (i >= 2 && moved.has(rows[i - 2]!.row.managerId) ? mark(line) : line))
    .join('\n');
}

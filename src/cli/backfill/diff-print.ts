/**
 * The dry-run diff (jobs/backfill-diff.ts) as tables for people: per manager-period the credited
 * amount and attainment before and after, then the first deals that would change with their
 * involved flag, credited manager and credit before and after, and the counts of everything.
 * `--json` prints the diff itself instead.
 */
import { Decimal } from 'decimal.js';
import type { DryRunDiff } from '../../../jobs/backfill-diff.js';
import { renderTable } from '../table.js';

const NONE = '-';

const change = (before: string, after: string) => (before === after ? after : `${before} -> ${after}`);
const yesNo = (b: boolean) => (b ? 'yes' : 'no');
/** "0.5217" -> "52.17%". */
const percent = (ratio: string | null) =>
  ratio === null ? NONE : `${new Decimal(ratio).times(100).toFixed(2)}%`;

export function renderDiff(diff: DryRunDiff, dealLimit: number): string {
  const out: string[] = [];
  const rows = diff.attainment;
  out.push(
    `Manager-periods: ${rows.touched} touched, ${rows.changed} would change${rows.changed > 0 ? ':' : '.'}`,
  );
  if (rows.changes.length > 0) {
    out.push(
      renderTable(
        [
          { header: 'manager' },
          { header: 'period' },
          { header: 'credited', align: 'right' },
          { header: 'attainment', align: 'right' },
        ],
        rows.changes.map((c) => [
          c.managerId,
          c.period,
          change(c.before?.credited ?? NONE, c.after?.credited ?? NONE),
          change(percent(c.before?.attainment ?? null), percent(c.after?.attainment ?? null)),
        ]),
      ),
    );
  }
  out.push('');
  const deals = diff.deals;
  const shown = deals.changes.slice(0, dealLimit);
  const which =
    shown.length === 0
      ? '.'
      : shown.length < deals.changed
        ? ` (the first ${shown.length} by id; --show N lists more, --json up to ${deals.changes.length}):`
        : ':';
  out.push(`Deals: ${deals.evaluated} evaluated, ${deals.changed} would change${which}`);
  if (shown.length > 0) {
    out.push(
      renderTable(
        [
          { header: 'deal' },
          { header: 'involved' },
          { header: 'credited manager' },
          { header: 'credit', align: 'right' },
        ],
        shown.map((c) => [
          c.dealId,
          change(c.before ? yesNo(c.before.involved) : NONE, yesNo(c.after.involved)),
          change(c.before?.creditedManagerId ?? NONE, c.after.creditedManagerId ?? NONE),
          change(c.before?.credit ?? NONE, c.after.credit),
        ]),
      ),
    );
  }
  return out.join('\n');
}

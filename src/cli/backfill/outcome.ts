/**
 * What `playercoach backfill` prints when it stops watching: a summary (and for a dry run the
 * diff) for people, or with --json one document for scripts: `{ backfill, dealsTotal,
 * resumeCommand }`, where `backfill` is the BackfillState the admin API also returns (a dry run's
 * diff in `backfill.diff`) and `resumeCommand` is set while the backfill is paused.
 */
import type { DryRunDiff } from '../../../jobs/backfill-diff.js';
import type { BackfillState } from '../../store/backfills.js';
import { renderDiff } from './diff-print.js';
import { formatDuration } from './progress.js';

export function resumeCommand(tenant: string, backfillId: string): string {
  return `playercoach backfill --tenant ${tenant} --resume ${backfillId}`;
}

export interface Outcome {
  state: BackfillState;
  tenant: string;
  total: number | null;
  json: boolean;
  /** Deals listed in a dry run's diff. */
  show: number;
  elapsedMs: number;
}

export function printOutcome(out: NodeJS.WritableStream, err: NodeJS.WritableStream, o: Outcome): void {
  const { state } = o;
  const resume = state.status === 'paused' ? resumeCommand(o.tenant, state.id) : null;
  if (o.json) {
    out.write(
      `${JSON.stringify({ backfill: state, dealsTotal: o.total, resumeCommand: resume }, null, 2)}\n`,
    );
    // Whoever pressed Ctrl-C is looking at the terminal, not at the document.
    if (resume !== null) err.write(`resume it with: ${resume}\n`);
    return;
  }
  const lines: string[] = [];
  const counts =
    `${state.dealsPulled} deals pulled, ${state.dealsEvaluated} evaluated, ` +
    `${state.dryRun ? 'none' : state.dealsWritten} written to the CRM, ${state.apiCalls} API calls`;
  switch (state.status) {
    case 'completed':
      if (state.dryRun && state.diff !== null) {
        lines.push(renderDiff(state.diff as DryRunDiff, o.show), '');
        lines.push(
          `Dry run ${state.id} completed in ${formatDuration(o.elapsedMs)}: ${counts}. ` +
            'Run it without --dry-run to write these values.',
        );
      } else {
        lines.push(`Backfill ${state.id} completed in ${formatDuration(o.elapsedMs)}: ${counts}.`);
      }
      break;
    case 'paused':
      lines.push(
        `Backfill ${state.id} paused after ${progressOf(state, o.total)}: ${state.reason ?? 'no reason given'}.`,
      );
      lines.push(`Resume it with: ${resume}`);
      break;
    default:
      lines.push(`Backfill ${state.id} ${state.status}: ${state.reason ?? 'no reason given'} (${counts}).`);
  }
  out.write(`${lines.join('\n')}\n`);
}

function progressOf(state: BackfillState, total: number | null): string {
  return total === null ? `${state.dealsPulled} deals` : `${state.dealsPulled} of ${total} deals`;
}

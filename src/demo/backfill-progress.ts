/**
 * Backfills of several tenants at once, started through the service (as `playercoach backfill`
 * and the admin API do) and followed by polling their progress until each completes. A line per
 * tenant shows deals pulled, evaluated and written and the API calls used.
 */
import {
  type BackfillRequest,
  backfillProgress,
  type ServiceDeps,
  startBackfill,
} from '../service/backfills.js';
import type { BackfillState } from '../store/backfills.js';
import type { DemoOutput } from './output.js';

const POLL_MS = 200;
const TIMEOUT_MS = 120_000;

export function progressLine(label: string, s: BackfillState, expectedDeals: number): string {
  const width = 20;
  const filled = Math.min(width, Math.round((s.dealsPulled / Math.max(1, expectedDeals)) * width));
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  return (
    `${label.padEnd(11)} ${bar} ${s.dealsPulled} deals pulled, ${s.dealsEvaluated} evaluated, ` +
    `${s.dealsWritten} written, ${s.apiCalls} API calls${s.status === 'running' ? '' : ` (${s.status})`}`
  );
}

export async function runBackfills(
  deps: ServiceDeps,
  tenants: Array<{ id: string; label: string }>,
  request: BackfillRequest,
  expectedDeals: number,
  out: DemoOutput,
  signal: AbortSignal,
): Promise<BackfillState[]> {
  const started = await Promise.all(tenants.map((t) => startBackfill(deps, t.id, request)));
  const states = [...started];
  const deadline = Date.now() + TIMEOUT_MS;
  let lastPrinted = '';
  for (;;) {
    for (let i = 0; i < tenants.length; i++) {
      states[i] = await backfillProgress(deps, tenants[i]!.id, started[i]!.id);
    }
    const lines = states.map((s, i) => progressLine(tenants[i]!.label, s, expectedDeals));
    const done = states.every((s) => s.status !== 'running');
    if (out.tty) {
      // One line rewritten in place; the full lines come once it is over.
      out.progress(
        states.map((s, i) => `${tenants[i]!.label} ${s.dealsPulled}/${expectedDeals}`).join('   '),
      );
      if (done) for (const l of lines) out.detail(l);
    } else if (lines.join('\n') !== lastPrinted) {
      // On a pipe, only what changed, so the log stays short.
      for (const l of lines) out.progress(l);
      lastPrinted = lines.join('\n');
    }
    if (done) break;
    signal.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`the backfills did not finish within ${TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const failed = states.find((s) => s.status !== 'completed');
  if (failed)
    throw new Error(`backfill ${failed.id} ended ${failed.status}: ${failed.reason ?? 'no reason given'}`);
  return states;
}

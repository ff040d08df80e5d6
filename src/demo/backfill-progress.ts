/**
 * The demo's backfills, one tenant after the other, shown the way `playercoach backfill` shows
 * them (its progress bars on a terminal, its plain lines otherwise) and watched with the same
 * watcher, so a page that fails for good ends the demo instead of leaving it waiting. The
 * server-side worker runs the pages.
 */
import { Writable } from 'node:stream';
import type { CrmConnector } from '../../connectors/types.js';
import { createProgressView } from '../cli/backfill/progress.js';
import { watchBackfill } from '../cli/backfill/watch.js';
import type { CliRuntime } from '../cli/runtime.js';
import { type BackfillRequest, startBackfill } from '../service/backfills.js';
import type { BackfillState } from '../store/backfills.js';
import type { DemoOutput } from './output.js';

const POLL_MS = 200;
const LINE_EVERY_MS = 1000;

/** Indents what the progress view writes, so its plain lines sit under the demo's step. */
function indented(out: DemoOutput): Writable {
  let pending = '';
  return new Writable({
    write(chunk, _encoding, done) {
      const lines = (pending + String(chunk)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) out.detail(line);
      done();
    },
  });
}

export async function runBackfill(
  rt: CliRuntime,
  tenant: { id: string; label: string; connector: CrmConnector },
  request: BackfillRequest & { from: string; to: string },
  out: DemoOutput,
  signal: AbortSignal,
): Promise<BackfillState> {
  const total = await tenant.connector.countClosedBetween({ from: request.from, to: request.to });
  const started = await startBackfill(rt.service, tenant.id, request);
  out.detail(`${tenant.label}: backfill ${started.id}, ${total ?? 'an unknown number of'} deals`);
  const view = createProgressView({
    stream: out.tty ? out.stream : indented(out),
    tty: out.tty,
    total,
    everyMs: LINE_EVERY_MS,
    now: Date.now,
  });
  const signalled = new Promise<NodeJS.Signals>((resolve) =>
    signal.addEventListener('abort', () => resolve('SIGINT'), { once: true }),
  );
  const end = await watchBackfill(rt.deps, {
    tenant: tenant.id,
    backfillId: started.id,
    pollMs: POLL_MS,
    signalled,
    onState: (s) => view.update(s),
    onRetry: (page, attempt, reason) =>
      view.note(`page ${page} failed (${reason}); retrying, attempt ${attempt}`),
    now: Date.now,
  });
  view.stop();
  signal.throwIfAborted();
  if (end.kind === 'page-failed') {
    throw new Error(`backfill ${started.id}: page ${end.pageNumber} failed for good: ${end.reason}`);
  }
  if (end.state.status !== 'completed') {
    throw new Error(
      `backfill ${started.id} ended ${end.state.status}: ${end.state.reason ?? 'no reason given'}`,
    );
  }
  return end.state;
}

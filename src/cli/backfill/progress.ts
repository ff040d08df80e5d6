/**
 * How `playercoach backfill` shows a running backfill: on a terminal, cli-progress bars (deals
 * pulled, evaluated and written against the deal total, API calls against the backfill's budget,
 * and an ETA); anywhere else (a log file, CI), one plain line every few seconds and one at the
 * end, so a log shows progress without control characters. Both write to stderr: stdout carries
 * the result (the summary, the dry-run diff, or `--json`).
 */
import cliProgress from 'cli-progress';
import type { BackfillState } from '../../store/backfills.js';

export interface ProgressView {
  update(state: BackfillState): void;
  /** A line for the operator (a warning, "pausing..."), printed without breaking the bars. */
  note(line: string): void;
  /** Shows the last state and leaves the display. */
  stop(): void;
}

export interface ProgressSettings {
  stream: NodeJS.WritableStream;
  tty: boolean;
  /** Deals the backfill will pull (countClosedBetween); null when the CRM cannot say. */
  total: number | null;
  /** Plain lines: at most one per this many ms, plus the last. */
  everyMs: number;
  now: () => number;
}

/** "4s", "2m 05s", "1h 03m": short enough for a progress line. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Time left from the pull rate seen since this watch began (a resumed backfill's earlier pages
 * say nothing about this run's speed); null until there is a rate to go by.
 */
export class Eta {
  private first: { at: number; pulled: number } | null = null;

  constructor(
    private readonly total: number | null,
    private readonly now: () => number,
  ) {}

  remainingMs(pulled: number): number | null {
    const at = this.now();
    if (this.first === null) {
      this.first = { at, pulled };
      return null;
    }
    if (this.total === null) return null;
    if (pulled >= this.total) return 0;
    const done = pulled - this.first.pulled;
    const elapsed = at - this.first.at;
    if (done <= 0 || elapsed <= 0) return null;
    return ((this.total - pulled) * elapsed) / done;
  }
}

function budgetText(state: BackfillState): string {
  return state.budget === null
    ? `API calls ${state.apiCalls}`
    : `API calls ${state.apiCalls} of ${state.budget.allowed} allowed`;
}

/** One plain progress line: what a log keeps of a running backfill. */
export function progressLine(state: BackfillState, counted: number | null, etaMs: number | null): string {
  // The count was taken at the start; deals closed since may take a backfill past it.
  const total = counted === null ? null : Math.max(counted, state.dealsPulled);
  const pulled =
    total === null
      ? `pulled ${state.dealsPulled} deals`
      : `pulled ${state.dealsPulled}/${total} deals (${total === 0 ? 100 : Math.floor((state.dealsPulled * 100) / total)}%)`;
  const parts = [
    pulled,
    `evaluated ${state.dealsEvaluated}`,
    state.dryRun ? 'written 0 (dry run)' : `written ${state.dealsWritten}`,
    budgetText(state),
  ];
  if (state.status === 'running') parts.push(`ETA ${etaMs === null ? '?' : formatDuration(etaMs)}`);
  return `backfill ${state.id} ${state.status}: ${parts.join(', ')}`;
}

export function createProgressView(settings: ProgressSettings): ProgressView {
  return settings.tty ? new Bars(settings) : new Lines(settings);
}

class Lines implements ProgressView {
  private readonly eta: Eta;
  private last: BackfillState | null = null;
  private printedAt: number;

  constructor(private readonly settings: ProgressSettings) {
    this.eta = new Eta(settings.total, settings.now);
    this.printedAt = settings.now();
  }

  update(state: BackfillState): void {
    this.last = state;
    const eta = this.eta.remainingMs(state.dealsPulled);
    const now = this.settings.now();
    if (now - this.printedAt < this.settings.everyMs) return;
    this.printedAt = now;
    this.settings.stream.write(`${progressLine(state, this.settings.total, eta)}\n`);
  }

  note(line: string): void {
    this.settings.stream.write(`${line}\n`);
  }

  stop(): void {
    if (this.last !== null)
      this.settings.stream.write(`${progressLine(this.last, this.settings.total, 0)}\n`);
  }
}

const LABEL_WIDTH = 10;

class Bars implements ProgressView {
  private readonly eta: Eta;
  private readonly multi: cliProgress.MultiBar;
  private readonly bars: Record<'pulled' | 'evaluated' | 'written' | 'calls', cliProgress.SingleBar>;
  /**
   * The latest note, as a line under the bars: cli-progress's own log() can lose lines or
   * overwrite a bar when the terminal echoes a ^C, and a note matters most just then.
   */
  private readonly noteLine: cliProgress.SingleBar;

  constructor(private readonly settings: ProgressSettings) {
    this.eta = new Eta(settings.total, settings.now);
    this.multi = new cliProgress.MultiBar(
      {
        stream: settings.stream,
        format: '{label} {bar} {value}/{total} {suffix}',
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        // The bars only move when the state is polled; redrawing more often shows nothing new.
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    const total = settings.total ?? 0;
    const bar = (label: string, suffix: string, of = total) =>
      this.multi.create(of, 0, { label: label.padEnd(LABEL_WIDTH), suffix });
    this.bars = {
      pulled: bar('pulled', 'deals'),
      evaluated: bar('evaluated', 'deals'),
      written: bar('written', 'deals'),
      calls: bar('API calls', 'of the budget'),
    };
    this.noteLine = this.multi.create(1, 0, { note: '' }, { format: '{note}' });
  }

  update(state: BackfillState): void {
    const eta = this.eta.remainingMs(state.dealsPulled);
    const total = Math.max(this.settings.total ?? 0, state.dealsPulled);
    const etaText =
      state.status !== 'running' ? state.status : `ETA ${eta === null ? '?' : formatDuration(eta)}`;
    this.bars.pulled.setTotal(total);
    this.bars.pulled.update(state.dealsPulled, { suffix: `deals  ${etaText}` });
    this.bars.evaluated.setTotal(total);
    this.bars.evaluated.update(state.dealsEvaluated);
    this.bars.written.setTotal(total);
    this.bars.written.update(state.dryRun ? 0 : state.dealsWritten, {
      suffix: state.dryRun ? 'deals (dry run: nothing is written)' : 'deals (only those that change)',
    });
    // Without a budget (the CRM reports no daily allowance) the bar shows the calls made.
    this.bars.calls.setTotal(state.budget?.allowed ?? Math.max(1, state.apiCalls));
    this.bars.calls.update(state.apiCalls, {
      suffix: state.budget === null ? 'calls (the CRM reports no daily budget)' : 'calls allowed',
    });
  }

  note(line: string): void {
    this.noteLine.update(0, { note: line });
  }

  stop(): void {
    this.multi.stop();
  }
}

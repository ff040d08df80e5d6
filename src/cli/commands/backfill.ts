/**
 * `playercoach backfill --tenant T --from D --to D [--dry-run] [--resume ID] [--json]
 * [--no-local-worker]`: evaluates every deal closed in a date range and writes the results into
 * the CRM (or, with --dry-run, only reports what would change), through the same service
 * functions and `backfill` jobs as the admin API. By default this process also runs a worker for
 * the backfill queue, so the one command does the work; with --no-local-worker it enqueues and
 * watches while deployed `playercoach worker`s do it.
 *
 * Ctrl-C (or SIGTERM) pauses the backfill: the page in flight finishes and commits its checkpoint,
 * the exact resume command is printed, and the exit code is 130, as for any command a person
 * interrupted, so a script can tell "stopped on purpose" from "failed". A second Ctrl-C exits at
 * once (exit 1); the page that was in flight is then done again by the resume.
 */
import { type Command, Option } from 'commander';
import { InputError, isPlayercoachError } from '../../errors.js';
import { createLogger } from '../../logger.js';
import { backfillProgress, pauseBackfill, resumeBackfill, startBackfill } from '../../service/backfills.js';
import type { BackfillState } from '../../store/backfills.js';
import { startWorker } from '../../worker.js';
import { type BackfillFlags, type BackfillOptions, parseBackfillFlags } from '../backfill/flags.js';
import { printOutcome, resumeCommand } from '../backfill/outcome.js';
import { createProgressView } from '../backfill/progress.js';
import { watchBackfill } from '../backfill/watch.js';
import type { CommandModule } from '../program.js';
import { type CliRuntime, openRuntime } from '../runtime.js';
import { untilSignal } from '../signals.js';

export const EXIT_COMPLETED = 0;
export const EXIT_FAILED = 1;
/** Paused by the API budget guard or an admin: resumable, but not done. */
export const EXIT_PAUSED = 3;
/** Interrupted by Ctrl-C (128 + SIGINT), paused and resumable. */
export const EXIT_INTERRUPTED = 130;

/** How often the state is read from Redis while a backfill runs. */
const POLL_MS = 250;
/** Plain progress lines (not a terminal): one every this many ms, and one at the end. */
const LINE_EVERY_MS = 2000;

export async function runBackfill(flags: BackfillFlags): Promise<number> {
  const options = parseBackfillFlags(flags);
  // From here on the first Ctrl-C pauses cleanly; a second one exits at once.
  const signalled = untilSignal();
  let interrupted = false;
  void signalled.then(() => {
    interrupted = true;
  });
  // Logs go to stderr: stdout carries the result, which --json makes a document for scripts.
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr });
  const rt = await openRuntime({ logger });
  try {
    return await drive(rt, options, signalled, () => interrupted);
  } finally {
    await rt.close();
  }
}

async function existingBackfill(rt: CliRuntime, tenant: string, id: string): Promise<BackfillState> {
  try {
    return await backfillProgress(rt.service, tenant, id);
  } catch (err) {
    if (isPlayercoachError(err) && err.code === 'NOT_FOUND')
      throw new InputError(`--resume: tenant ${tenant} has no backfill ${id}`);
    throw err;
  }
}

async function drive(
  rt: CliRuntime,
  options: BackfillOptions,
  signalled: Promise<NodeJS.Signals>,
  interrupted: () => boolean,
): Promise<number> {
  const err = process.stderr;
  const tenant = await rt.tenants.get(options.tenant);
  if (tenant === null) {
    throw new InputError(
      `--tenant: there is no tenant "${options.tenant}" (\`playercoach tenant list\` shows them)`,
    );
  }
  const plan = options.plan;
  let resuming: BackfillState | null = null;
  if (plan.kind === 'resume') {
    resuming = await existingBackfill(rt, tenant.id, plan.backfillId);
    if (resuming.status === 'completed' || resuming.status === 'failed') {
      throw new InputError(
        `--resume: backfill ${plan.backfillId} is ${resuming.status}; only a paused backfill can be resumed ` +
          '(start a new one with --from and --to)',
      );
    }
  }
  const range = resuming ?? (plan as { from: string; to: string });
  // The total the progress is shown against; also proves the CRM answers before anything starts.
  const total = await rt.deps.connectors(tenant).countClosedBetween({ from: range.from, to: range.to });
  if (interrupted()) {
    err.write('interrupted before the backfill started: nothing was started\n');
    return EXIT_INTERRUPTED;
  }

  let worker = options.localWorker
    ? startWorker(rt.deps, { queues: ['backfill'], concurrency: rt.config.WORKER_CONCURRENCY })
    : null;
  const closeWorker = async () => {
    // Waits for the page in flight, which commits its checkpoint before the worker lets go.
    await worker?.close();
    worker = null;
  };
  try {
    let started: BackfillState;
    if (plan.kind === 'start') {
      started = await startBackfill(rt.service, tenant.id, {
        from: plan.from,
        to: plan.to,
        dryRun: plan.dryRun,
        ...(plan.pageSize === undefined ? {} : { pageSize: plan.pageSize }),
      });
    } else if (resuming!.status === 'running') {
      // Its CLI or worker died without pausing it: a worker (this one, by default) takes up its job.
      started = resuming!;
      err.write(`backfill ${started.id} is already running; watching it\n`);
    } else {
      if (resuming!.reason) err.write(`backfill ${resuming!.id} was paused: ${resuming!.reason}\n`);
      started = await resumeBackfill(rt.service, tenant.id, resuming!.id);
    }
    const deals = total === null ? 'deal count unknown' : `${total} deals`;
    err.write(
      `backfill ${started.id} ${plan.kind === 'start' ? 'started' : 'resumed'} for tenant ${tenant.id}: ` +
        `closed ${started.from}..${started.to}, ${deals}` +
        `${started.dryRun ? ', dry run (nothing is written to the CRM)' : ''}` +
        `${worker ? '' : ', waiting for a `playercoach worker` to run it'}\n`,
    );

    const view = createProgressView({
      stream: err,
      tty: Boolean(process.stderr.isTTY),
      total,
      everyMs: LINE_EVERY_MS,
      now: Date.now,
    });
    const startedAt = Date.now();
    const end = await watchBackfill(rt.deps, {
      tenant: tenant.id,
      backfillId: started.id,
      pollMs: POLL_MS,
      signalled,
      onState: (s) => view.update(s),
      ...(worker
        ? {}
        : {
            noWorker: {
              afterMs: options.workerWaitMs,
              warn: () =>
                view.note(
                  'no worker is taking backfill jobs: start `playercoach worker` or drop --no-local-worker',
                ),
            },
          }),
      onRetry: (page, attempt, reason) =>
        view.note(`page ${page} failed (${reason}); retrying, attempt ${attempt}`),
      now: Date.now,
    });

    let state = end.state;
    let code: number;
    if (end.kind === 'ended') {
      code =
        state.status === 'completed' ? EXIT_COMPLETED : state.status === 'paused' ? EXIT_PAUSED : EXIT_FAILED;
    } else {
      const reason =
        end.kind === 'interrupted'
          ? `interrupted from the CLI (${end.signal})`
          : `page ${end.pageNumber} failed for good: ${end.reason}`;
      if (end.kind === 'interrupted') view.note('pausing: the page in flight finishes and commits first...');
      state = await pauseBackfill(rt.service, tenant.id, state.id, reason).catch((e: unknown) => {
        // It completed between the last look and the pause: report that.
        if (isPlayercoachError(e) && e.code === 'CONFLICT')
          return backfillProgress(rt.service, tenant.id, state.id);
        throw e;
      });
      await closeWorker();
      state = await backfillProgress(rt.service, tenant.id, state.id);
      view.update(state);
      code =
        state.status === 'completed'
          ? EXIT_COMPLETED
          : end.kind === 'interrupted'
            ? EXIT_INTERRUPTED
            : EXIT_FAILED;
    }
    view.stop();
    await closeWorker();
    printOutcome(process.stdout, process.stderr, {
      state,
      tenant: tenant.id,
      total,
      json: options.json,
      show: options.show,
      elapsedMs: Date.now() - startedAt,
    });
    return code;
  } finally {
    await closeWorker();
  }
}

export const register: CommandModule['register'] = (program: Command) => {
  program
    .command('backfill')
    .summary('evaluate the deals closed in a date range and write the results into the CRM')
    .description(
      'Evaluates every deal closed between --from and --to (inclusive) and writes credit and attainment ' +
        'into the CRM, only where values change. Shows progress bars on a terminal and plain progress lines ' +
        'otherwise. By default this process runs the work itself; with --no-local-worker it leaves it to ' +
        'running `playercoach worker`s. Ctrl-C pauses the backfill after the page in flight and prints the ' +
        'command that resumes it. --dry-run writes nothing and prints what would change.',
    )
    .requiredOption('--tenant <id>', 'the tenant to backfill')
    .option('--from <date>', 'first close date, YYYY-MM-DD')
    .option('--to <date>', 'last close date, YYYY-MM-DD (inclusive)')
    .option('--dry-run', 'write nothing to the CRM; print the diff of what would change')
    .option('--resume <id>', 'continue a paused backfill (its range and mode are its own)')
    .option('--json', 'print the final backfill state (with the dry-run diff) as JSON on stdout')
    .option('--no-local-worker', 'only enqueue and watch: deployed `playercoach worker`s do the work')
    .option('--show <n>', 'deals listed in the dry-run diff', '20')
    .option(
      '--worker-wait <seconds>',
      'with --no-local-worker, say so when no worker took a page this long',
      '10',
    )
    .addOption(new Option('--page-size <n>', 'deals per page (1-2000)').hideHelp())
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 completed, 1 failed (the reason is printed; fix it and --resume), 2 bad input',
        '(nothing started), 3 paused by the API budget guard or an admin (--resume later), 130 interrupted',
        'with Ctrl-C (paused; the resume command is printed).',
        '',
        'Examples:',
        '  playercoach backfill --tenant acme --from 2026-01-01 --to 2026-03-31 --dry-run',
        '  playercoach backfill --tenant acme --from 2026-01-01 --to 2026-03-31',
        `  ${resumeCommand('acme', 'bf-20260401120000-1a2b3c')}`,
        '',
      ].join('\n'),
    )
    .action(async (flags: BackfillFlags) => {
      process.exitCode = await runBackfill(flags);
    });
};

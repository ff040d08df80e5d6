/**
 * `playercoach worker`: runs the job processors (sync-changes, recompute, write-back, reconcile,
 * backfill). Configured by the environment (src/config.ts); a bad environment exits with code 2
 * naming every bad variable. Any number may run, on any number of machines, against one Redis.
 * SIGTERM stops taking jobs, lets the active ones finish, closes connections and exits 0.
 */
import type { Command } from 'commander';
import { QUEUE_NAMES, type QueueName } from '../../../jobs/catalog.js';
import { loadConfig } from '../../config.js';
import { InputError } from '../../errors.js';
import { runWorker } from '../../worker.js';
import type { CommandModule } from '../program.js';
import { untilSignal } from '../signals.js';

function parseQueues(value: string | undefined): QueueName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim());
  const bad = names.filter((n) => !(QUEUE_NAMES as string[]).includes(n));
  if (bad.length > 0 || names.length === 0) {
    throw new InputError(
      `--queues: unknown queue ${bad.join(', ')}; the queues are ${QUEUE_NAMES.join(', ')}`,
    );
  }
  return names as QueueName[];
}

export const workerCommand: CommandModule = {
  register(program: Command) {
    program
      .command('worker')
      .description(
        'Run the job processors that pull from the CRM, keep the ledger and write back. Configured by ' +
          'environment variables (REDIS_URL, KEY_PREFIX, ENCRYPTION_KEY, WORKER_CONCURRENCY, SALESFORCE_*, ' +
          'HUBSPOT_*, BACKFILL_BUDGET_SHARE, RECONCILE_EVERY_MS, JOB_LOCK_MS).',
      )
      .option(
        '--queues <names>',
        `only these queues, comma-separated (default: all of ${QUEUE_NAMES.join(', ')})`,
      )
      .action(async (flags: { queues?: string }) => {
        const queues = parseQueues(flags.queues);
        const config = loadConfig(process.env);
        // Listen for signals before starting, so a SIGTERM during startup still shuts down cleanly.
        const stop = untilSignal();
        const running = await runWorker(config, queues ? { queues } : {});
        const signal = await stop;
        running.deps.logger.info({ signal }, 'shutting down');
        await running.close();
      });
  },
};

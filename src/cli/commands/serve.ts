/**
 * `playercoach serve`: the HTTP service (CRM webhooks, OAuth installs, health, metrics, admin API).
 * Configured by the environment only (src/config.ts); a bad environment exits with code 2 naming
 * every bad variable. SIGTERM stops taking requests, finishes the ones in flight, closes
 * connections and exits 0.
 */
import cluster from 'node:cluster';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { runServe } from '../../server-processes.js';
import type { CommandModule } from '../program.js';
import { untilSignal } from '../signals.js';

export const serveCommand: CommandModule = {
  register(program: Command) {
    program
      .command('serve')
      .description(
        'Run the HTTP service: CRM webhooks, OAuth installs, /healthz, /readyz, /metrics and the admin API. ' +
          'Configured by environment variables (REDIS_URL, HOST, PORT, PUBLIC_BASE_URL, ADMIN_TOKEN, ' +
          'ENCRYPTION_KEY, SALESFORCE_*, HUBSPOT_*, SERVER_PROCESSES).',
      )
      .action(async () => {
        const config = loadConfig(process.env);
        // Listen for signals before starting, so a SIGTERM during startup still shuts down cleanly.
        const stop = untilSignal({ secondSignalExits: !cluster.isWorker });
        process.exitCode = await runServe(config, stop);
      });
  },
};

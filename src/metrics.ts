/**
 * The service's Prometheus metrics, defined once so the HTTP side and the worker side share names
 * and labels. The HTTP side counts webhooks; the worker side counts CRM calls, CRM errors and records
 * written; the job gauge reads BullMQ's counts on each scrape, so it is right whichever process
 * moved the jobs. Labels never carry a tenant id, a record id or anything else unbounded.
 *
 * Counters live in the process that increments them: each process that does work should serve its
 * own registry (the server at GET /metrics).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { QUEUE_NAMES } from '../jobs/catalog.js';
import type { Queues } from '../jobs/queues.js';
import { withTimeout } from './timeout.js';

export type Provider = 'salesforce' | 'hubspot';

export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'completed',
  'failed',
  'paused',
] as const;

const SCRAPE_TIMEOUT_MS = 2000;

export interface Metrics {
  readonly registry: Registry;
  /** Webhook deliveries acknowledged after their work was enqueued. */
  readonly webhooksAccepted: Counter<'provider'>;
  /** Webhook deliveries refused, by reason (unknown-tenant, bad-secret, org-mismatch, malformed, ...). */
  readonly webhooksRejected: Counter<'provider' | 'reason'>;
  /** Change events carried by accepted webhooks. */
  readonly webhookEvents: Counter<'provider'>;
  /** Time from a webhook's arrival to its acknowledgement. */
  readonly webhookAckSeconds: Histogram<'provider'>;
  /** Calls made to a CRM API (worker side), by operation (pull-deals, write-back, ...). */
  readonly crmCalls: Counter<'provider' | 'operation'>;
  /** CRM calls that failed, by the PlayercoachError code they were classified as. */
  readonly crmErrors: Counter<'provider' | 'code'>;
  /** Records written into a CRM, by object (deal, attainment, user). */
  readonly recordsWritten: Counter<'provider' | 'object'>;
  /** Jobs per queue and state, read from BullMQ at scrape time. */
  readonly jobs: Gauge<'queue' | 'state'>;
}

export interface MetricsOptions {
  /** The queues to count jobs in; without them the job gauge stays empty (e.g. in a worker-only registry). */
  queues?: Queues;
  /** Node process metrics (event loop lag, heap, ...); on by default. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name: `playercoach_${name}`, help, labelNames, registers });
  const { queues } = options;

  // One read of the job counts per scrape, shared by the two gauges that report it.
  type Counts = Record<string, number>[];
  let pending: Promise<Counts | null> | null = null;
  const readCounts = (): Promise<Counts | null> => {
    if (!queues) return Promise.resolve(null);
    pending ??= withTimeout(
      Promise.all(QUEUE_NAMES.map((q) => queues.queue(q).getJobCounts(...JOB_STATES))),
      SCRAPE_TIMEOUT_MS,
      'job counts from Redis',
    )
      // Redis unreachable: the job series disappear and queue_metrics_up says why, rather than
      // stale numbers or a failed scrape that would also hide the process's own counters.
      .catch(() => null)
      .finally(() => {
        pending = null;
      });
    return pending;
  };

  new Gauge({
    name: 'playercoach_queue_metrics_up',
    help: '1 when the last scrape could read the job counts from Redis, else 0',
    registers,
    // Several server processes each read the same Redis: their figures are one figure, not a sum.
    aggregator: 'min',
    async collect() {
      if (queues) this.set((await readCounts()) ? 1 : 0);
    },
  });

  return {
    registry,
    webhooksAccepted: counter(
      'webhooks_accepted_total',
      'Webhook deliveries acknowledged after their work was durably enqueued',
      ['provider'],
    ),
    webhooksRejected: counter('webhooks_rejected_total', 'Webhook deliveries refused, by reason', [
      'provider',
      'reason',
    ]),
    webhookEvents: counter('webhook_events_total', 'Change events carried by accepted webhook deliveries', [
      'provider',
    ]),
    webhookAckSeconds: new Histogram({
      name: 'playercoach_webhook_ack_seconds',
      help: 'Time from the arrival of a webhook to its acknowledgement',
      labelNames: ['provider'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    crmCalls: counter('crm_calls_total', 'Calls made to a CRM API', ['provider', 'operation']),
    crmErrors: counter('crm_errors_total', 'CRM calls that failed, by error code', ['provider', 'code']),
    recordsWritten: counter('records_written_total', 'Records written into a CRM', ['provider', 'object']),
    jobs: new Gauge({
      name: 'playercoach_jobs',
      help: 'Jobs per queue and state, read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      aggregator: 'max',
      async collect() {
        const counts = await readCounts();
        this.reset();
        if (!counts) return;
        QUEUE_NAMES.forEach((queue, i) => {
          for (const state of JOB_STATES) this.set({ queue, state }, counts[i]?.[state] ?? 0);
        });
      },
    }),
  };
}

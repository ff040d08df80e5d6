/**
 * A running pipeline for job tests: real Redis under a private prefix, the real queues and
 * worker, an in-memory tenant list, and whatever connector the test gives. `settle()` waits until
 * no queue has work left.
 */
import type { Job } from 'bullmq';
import type { CrmConnector } from '../../connectors/types.js';
import { QUEUE_NAMES, type QueueName } from '../../jobs/catalog.js';
import { DEFAULT_SETTINGS, type PipelineDeps, type PipelineSettings } from '../../jobs/deps.js';
import { createQueues } from '../../jobs/queues.js';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.js';
import { type Logger, silentLogger } from '../../src/logger.js';
import type { Tenant } from '../../src/tenants/tenant.js';
import { type RunningWorker, startWorker } from '../../src/worker.js';
import { type RedisFixture, redisFixture } from './redis.js';

export function tenantFixture(id = 'acme', policy: Policy = DEFAULT_POLICY): Tenant {
  return {
    id,
    name: `Tenant ${id}`,
    kind: 'salesforce',
    salesforce: {
      orgId: '00D000000000001AAA',
      instanceUrl: 'http://127.0.0.1:1',
      loginUrl: 'http://127.0.0.1:1',
      webhookSecret: 'w'.repeat(32),
    },
    credentials: { accessToken: 'test-access-token' },
    policy,
    managerMapping: { owners: {}, teams: {} },
    settings: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

export interface TestPipeline {
  t: RedisFixture;
  deps: PipelineDeps;
  worker: RunningWorker | null;
  workers: RunningWorker[];
  /** Replaces a tenant record, as an admin's change through the tenant store would. */
  setTenant(tenant: Tenant): void;
  /** Starts a worker (tests that want jobs to pile up first start it late, or per queue). */
  start(queues?: readonly QueueName[], concurrency?: number): RunningWorker;
  /** Resolves once every queue is empty: nothing waiting, active or delayed. */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function testPipeline(options: {
  label: string;
  connector: (tenant: Tenant) => CrmConnector;
  tenants?: Tenant[];
  settings?: Partial<PipelineSettings>;
  now?: () => number;
  logger?: Logger;
  start?: boolean;
}): TestPipeline {
  const t = redisFixture(options.label);
  const tenants = new Map((options.tenants ?? [tenantFixture()]).map((x) => [x.id, x]));
  const queues = createQueues(t.redis, t.keys.queuePrefix);
  const deps: PipelineDeps = {
    redis: t.redis,
    keys: t.keys,
    queues,
    tenants: {
      async get(id) {
        return tenants.get(id) ?? null;
      },
      async updateCredentials(id, tokens) {
        const x = tenants.get(id);
        if (x) tenants.set(id, { ...x, credentials: tokens });
      },
    },
    connectors: options.connector,
    logger: options.logger ?? silentLogger,
    now: options.now ?? (() => Date.parse('2026-03-20T12:00:00Z')),
    settings: { ...DEFAULT_SETTINGS, writeBackDelayMs: 0, lockTtlMs: 5000, ...options.settings },
  };
  const p: TestPipeline = {
    t,
    deps,
    worker: null,
    workers: [],
    setTenant(tenant) {
      tenants.set(tenant.id, tenant);
    },
    start(only, concurrency = 4) {
      p.worker = startWorker(deps, { concurrency, ...(only ? { queues: only } : {}) });
      p.workers.push(p.worker);
      return p.worker;
    },
    async settle(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await Promise.all(
          QUEUE_NAMES.map((q) => queues.queue(q).getJobCounts('waiting', 'active', 'delayed', 'prioritized')),
        );
        if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
        if (Date.now() > deadline) {
          const stuck = await Promise.all(
            QUEUE_NAMES.map((q) => queues.queue(q).getJobs(['waiting', 'active', 'delayed', 'prioritized'])),
          );
          const detail = stuck.flat().map((j) => ({
            q: j.queueName,
            id: j.id,
            attempts: j.attemptsMade,
            reason: j.failedReason,
            delay: j.delay,
          }));
          throw new Error(`queues did not settle: ${JSON.stringify(detail)}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await Promise.all(p.workers.map((w) => w.close()));
      await queues.close();
      await t.cleanup();
    },
  };
  if (options.start !== false) p.start();
  return p;
}

/** Every job of a queue that completed, oldest first. */
export async function completedJobs(p: TestPipeline, queue: QueueName): Promise<Job[]> {
  return (await p.deps.queues.queue(queue).getJobs(['completed'], 0, -1, true)) as Job[];
}

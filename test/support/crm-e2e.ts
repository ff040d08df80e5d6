/**
 * One end-to-end setup against a sandbox CRM (Salesforce or HubSpot): a generated org loaded into
 * the sandbox with playercoach's fields installed, the real server on a real port (its log
 * captured), a tenant created through the admin API, and helpers to run workers in this process
 * or as child processes (`playercoach worker`), and to read back what the CRM holds through the
 * real connector. Every secret used is listed, so a test can prove none reached a log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { createHubSpotConnector } from '../../connectors/hubspot/hubspot-connector.js';
import { type HubSpotSandbox, startHubSpotSandbox } from '../../connectors/hubspot/sandbox/server.js';
import { createSalesforceConnector } from '../../connectors/salesforce/salesforce-connector.js';
import { sandboxConnectionOptions } from '../../connectors/salesforce/sandbox/connection-options.js';
import {
  type SalesforceSandbox,
  startSalesforceSandbox,
} from '../../connectors/salesforce/sandbox/server.js';
import type { CrmConnector } from '../../connectors/types.js';
import { QUEUE_NAMES } from '../../jobs/catalog.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Snapshot } from '../../src/domain/snapshot.js';
import type { AttainmentFields, DealFields, UserFields } from '../../src/domain/write-back.js';
import { freePort } from '../../src/free-port.js';
import { generateOrg } from '../../src/generator/generate-org.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { redisReady } from '../../src/redis.js';
import { type RunningServer, startServer } from '../../src/server.js';
import type { BackfillState } from '../../src/store/backfills.js';
import { runWorker, type WorkerProcess } from '../../src/worker.js';
import { waitForLine } from './child.js';
import { cleanPrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from './redis.js';

const BIN = new URL('../../bin/playercoach.js', import.meta.url).pathname;
export const TENANT = 'acme';

export interface CrmFields {
  deals: Record<string, DealFields>;
  attainment: Record<string, AttainmentFields>;
  users: Record<string, UserFields>;
}

/** A log destination that keeps every line, for the no-secrets check. */
export class CapturedLog {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk, _enc, done) => {
      this.lines.push(String(chunk));
      done();
    },
  });
  text(): string {
    return this.lines.join('');
  }
}

/** An admin API answer; the routes used here answer `{ backfill }` or `{ tenant }` and friends. */
export interface AdminAnswer {
  status: number;
  body: { backfill: BackfillState } & Record<string, unknown>;
}

export type Provider = 'salesforce' | 'hubspot';

/** What differs between the two sandboxes, behind one shape. */
interface SandboxSide {
  clientId: string;
  clientSecret: string;
  /** Secrets the sandbox issued (tokens). */
  secrets: string[];
  env: Record<string, string>;
  tenant(webhookSecret: string): Record<string, unknown>;
  reader(): CrmConnector;
  writeCounts(): Record<string, number>;
  resetStats(): void;
  close(): Promise<void>;
}

async function salesforceSide(snapshot: Snapshot): Promise<SandboxSide & { sandbox: SalesforceSandbox }> {
  const sandbox = await startSalesforceSandbox({ snapshot });
  const tokens = sandbox.issueTokens();
  return {
    sandbox,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    secrets: [tokens.accessToken, tokens.refreshToken],
    env: {
      SALESFORCE_CLIENT_ID: sandbox.clientId,
      SALESFORCE_CLIENT_SECRET: sandbox.clientSecret,
      SALESFORCE_LOGIN_URL: sandbox.url,
    },
    tenant: (webhookSecret) => ({
      kind: 'salesforce',
      salesforce: { orgId: sandbox.orgId, instanceUrl: sandbox.url, loginUrl: sandbox.url, webhookSecret },
      credentials: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
    }),
    reader: () => createSalesforceConnector(sandboxConnectionOptions(sandbox, tokens)),
    writeCounts: () => sandbox.writeCounts(),
    resetStats: () => sandbox.resetStats(),
    close: () => sandbox.close(),
  };
}

async function hubspotSide(snapshot: Snapshot): Promise<SandboxSide & { sandbox: HubSpotSandbox }> {
  const sandbox = await startHubSpotSandbox({ snapshot });
  const tokens = sandbox.issueTokens();
  // HubSpot has no manager field: the sandbox made one team per manager, which is the mapping.
  const managerMapping = { owners: {}, teams: sandbox.idMap.teams };
  return {
    sandbox,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    secrets: [tokens.accessToken, tokens.refreshToken],
    env: { HUBSPOT_CLIENT_ID: sandbox.clientId, HUBSPOT_CLIENT_SECRET: sandbox.clientSecret },
    tenant: () => ({
      kind: 'hubspot',
      hubspot: { portalId: sandbox.portalId, basePath: sandbox.url },
      credentials: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
      managerMapping,
      // The snapshot's calendar, which HubSpot's API does not report.
      settings: { fiscalYearStartMonth: snapshot.fiscalYearStartMonth, timezone: snapshot.timezone },
    }),
    reader: () =>
      createHubSpotConnector({
        basePath: sandbox.url,
        portalId: sandbox.portalId,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        clientId: sandbox.clientId,
        clientSecret: sandbox.clientSecret,
        managerMapping,
        fiscalYearStartMonth: snapshot.fiscalYearStartMonth,
        timezone: snapshot.timezone,
      }),
    writeCounts: () => sandbox.writeCounts(),
    resetStats: () => sandbox.resetStats(),
    close: () => sandbox.close(),
  };
}

export interface CrmE2E {
  provider: Provider;
  snapshot: Snapshot;
  /** Set for the provider of this run. */
  salesforce: SalesforceSandbox | null;
  hubspot: HubSpotSandbox | null;
  /** Writes per record the sandbox accepted since the last `resetStats()`. */
  writeCounts(): Record<string, number>;
  resetStats(): void;
  config: Config;
  server: RunningServer;
  /** The server and in-process workers log here; child workers' output is added too. */
  log: CapturedLog;
  logger: Logger;
  /** Admin token, encryption key, client secret, tokens, webhook secret. */
  secrets: string[];
  webhookSecret: string;
  /** Where the sandbox's Outbound Messages go for this tenant. */
  webhookUrl: string;
  admin(method: string, path: string, body?: unknown): Promise<AdminAnswer>;
  /** A worker in this process. */
  startWorker(): Promise<WorkerProcess>;
  /** `playercoach worker` as a child process; resolves once it has started. */
  spawnWorker(): Promise<ChildProcess>;
  /** Resolves once no queue has work waiting, active or delayed. */
  idle(timeoutMs?: number): Promise<void>;
  /** What the CRM holds in playercoach's fields, read through the real connector. */
  crmFields(range: { from: string; to: string }): Promise<CrmFields>;
  close(): Promise<void>;
}

export async function startCrmE2E(options: {
  provider: Provider;
  deals: number;
  seed?: number;
  redisUrl?: string;
  env?: Record<string, string>;
}): Promise<CrmE2E> {
  const snapshot = generateOrg({ deals: options.deals, seed: options.seed ?? 7 });
  const side =
    options.provider === 'salesforce' ? await salesforceSide(snapshot) : await hubspotSide(snapshot);
  const reader = side.reader;
  // As `playercoach install` would: playercoach's fields exist before anything is written.
  await reader().install();

  const webhookSecret = randomBytes(24).toString('hex');
  const port = await freePort();
  const env: Record<string, string> = {
    REDIS_URL: options.redisUrl ?? TEST_REDIS_URL,
    KEY_PREFIX: uniquePrefix('e2e'),
    HOST: '127.0.0.1',
    // A known port, so PUBLIC_BASE_URL is the address CRMs call (HubSpot signs the URL it calls).
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ADMIN_TOKEN: `admin-${randomBytes(16).toString('hex')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ...side.env,
    // A killed worker's jobs and tenant lock come back after 2 s rather than 30.
    JOB_LOCK_MS: '2000',
    WRITE_BACK_DELAY_MS: '50',
    WORKER_CONCURRENCY: '2',
    WORKER_METRICS_PORT: '0',
    // The scheduled reconcile runs when a worker starts; with no lookback it finds nothing and
    // stays out of the way of what a test does.
    RECONCILE_EVERY_MS: String(24 * 3600_000),
    RECONCILE_LOOKBACK_MS: '0',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const config = loadConfig(env);
  const log = new CapturedLog();
  const logger = createLogger({ level: 'info', destination: log.stream });
  const server = await startServer(config, { logger });
  await redisReady(server.deps.redis);

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.address}/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${config.ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as AdminAnswer['body']) : ({} as AdminAnswer['body']),
    };
  };
  const created = await admin('POST', '/tenants', {
    id: TENANT,
    name: 'Acme',
    ...side.tenant(webhookSecret),
  });
  if (created.status !== 201) throw new Error(`tenant not created: ${JSON.stringify(created.body)}`);
  side.resetStats();

  const workers: WorkerProcess[] = [];
  const children: ChildProcess[] = [];
  return {
    provider: options.provider,
    snapshot,
    salesforce: 'orgId' in side.sandbox ? side.sandbox : null,
    hubspot: 'portalId' in side.sandbox ? side.sandbox : null,
    writeCounts: side.writeCounts,
    resetStats: side.resetStats,
    config,
    server,
    log,
    logger,
    secrets: [config.ADMIN_TOKEN, env.ENCRYPTION_KEY!, side.clientSecret, ...side.secrets, webhookSecret],
    webhookSecret,
    webhookUrl: `${server.address}/webhooks/salesforce/${TENANT}/${webhookSecret}`,
    admin,
    async startWorker() {
      const w = await runWorker(config, { logger });
      workers.push(w);
      return w;
    },
    async spawnWorker() {
      const child = spawn(process.execPath, [BIN, 'worker'], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      child.stdout?.on('data', (c: Buffer) => log.lines.push(c.toString()));
      child.stderr?.on('data', (c: Buffer) => log.lines.push(c.toString()));
      await waitForLine(child, /"msg":"worker started"/);
      return child;
    },
    async idle(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const jobs = await Promise.all(
          QUEUE_NAMES.map((q) =>
            server.deps.queues.queue(q).getJobs(['waiting', 'active', 'delayed', 'prioritized']),
          ),
        );
        // The reconcile scheduler always has its next run waiting, a day ahead, as a delayed job.
        const pending = jobs
          .flat()
          .filter((j) => !(j.repeatJobKey && j.timestamp + j.delay > Date.now() + 60_000));
        if (pending.length === 0) return;
        if (Date.now() > deadline) throw new Error(`queues not idle: ${pending.map((j) => j.id).join(', ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async crmFields(range) {
      const connector = reader();
      const out: CrmFields = { deals: {}, attainment: {}, users: {} };
      let page: string | null = null;
      do {
        const batch = await connector.pullClosedBetween(range, page, {
          splits: false,
          accountActivities: false,
          pageSize: 2000,
        });
        for (const [id, f] of batch.current) out.deals[id] = f;
        page = batch.next;
      } while (page !== null);
      const org = await connector.pullOrg();
      for (const [key, f] of org.current.attainment) out.attainment[key] = f;
      for (const [id, f] of org.current.users) out.users[id] = f;
      return out;
    },
    async close() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await Promise.all(
        children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'close') : null)),
      );
      for (const w of workers) await w.close();
      await server.close();
      await side.close();
      const redis = testRedis();
      if (options.redisUrl === undefined) await cleanPrefix(redis, config.KEY_PREFIX);
      await redis.quit();
    },
  };
}

/** Polls the admin API until the backfill satisfies `done`. */
export async function waitForBackfill(
  e2e: CrmE2E,
  id: string,
  done: (b: BackfillState) => boolean,
  timeoutMs = 60_000,
): Promise<BackfillState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // While Redis is away the server answers 503; the backfill is read again once it is back.
    const { status, body } = await e2e.admin('GET', `/tenants/${TENANT}/backfills/${id}`);
    if (status === 200 && done(body.backfill)) return body.backfill;
    if (Date.now() > deadline) throw new Error(`backfill not done: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * `npm run demo` (`playercoach demo`): playercoach end to end on one machine. Sandbox CRMs with a
 * generated org, the server and a worker as child processes on the caller's Redis, one Salesforce
 * and one HubSpot tenant installed, a backfill, then a rep in each CRM closes a deal with their
 * manager on the buyer meeting, and the CRM's own webhook carries it through the queue back into
 * the CRM fields. The managers' attainment is read from the CRM before and after.
 *
 * Everything it starts it stops, and every Redis key it made (under a key prefix of its own) it
 * removes, also when a step fails or on Ctrl-C.
 */

import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { DateTime } from 'luxon';
import type { CrmConnector } from '../../connectors/types.js';
import { type CliRuntime, checkRedis, openRuntime } from '../cli/runtime.js';
import { periodOf } from '../domain/periods.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
import { GENERATE_DEFAULTS } from '../generator/generate-org.js';
import { createLogger } from '../logger.js';
import { createRedis } from '../redis.js';
import { scheduleReconcile } from '../service/reconcile.js';
import { keyLayout } from '../store/keys.js';
import { deleteMatching } from '../store/redis-helpers.js';
import type { Tenant } from '../tenants/tenant.js';
import { salesforceWebhookUrl } from '../tenants/webhook-url.js';
import {
  type AttainmentView,
  formatAmount,
  movedManagers,
  readAttainment,
  renderAttainment,
} from './attainment-table.js';
import { runBackfill } from './backfill-progress.js';
import type { ClosedDeal } from './closed-deal.js';
import { DEFAULT_REDIS_URL, demoEnv, demoKeyPrefix } from './demo-env.js';
import { closeHubSpotDeal } from './hubspot-rep.js';
import { DemoOutput } from './output.js';
import { closeSalesforceDeal } from './salesforce-rep.js';
import { type RunningSandboxes, sandboxTenants, startSandboxes } from './sandboxes.js';
import { startServices } from './services.js';
import { pickStory, type RepStory } from './story.js';

export interface DemoOptions {
  deals: number;
  seed: number;
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  tty: boolean;
  /** Aborted on Ctrl-C: the demo stops waiting and cleans up. */
  signal: AbortSignal;
}

const WEBHOOK_TIMEOUT_MS = 60_000;

interface DemoTenant {
  label: string;
  tenant: Tenant;
  connector: CrmConnector;
  closeDeal(story: RepStory): Promise<ClosedDeal>;
}

async function probeRedis(url: string): Promise<void> {
  const redis = createRedis(url, 'worker');
  try {
    await checkRedis(redis, url);
  } finally {
    redis.disconnect();
  }
}

/** Polls the CRM until the manager's credited figure differs from `before`. */
async function waitForMove(
  connector: CrmConnector,
  before: AttainmentView,
  managerId: string,
  signal: AbortSignal,
): Promise<AttainmentView> {
  const deadline = Date.now() + WEBHOOK_TIMEOUT_MS;
  for (;;) {
    const now = await readAttainment(connector, before.period);
    if (movedManagers(before, now).includes(managerId)) return now;
    signal.throwIfAborted();
    if (Date.now() > deadline) {
      throw new Error(`the CRM fields did not change within ${WEBHOOK_TIMEOUT_MS / 1000} s (see the logs)`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function removeKeys(redisUrl: string, keyPrefix: string): Promise<void> {
  const redis = createRedis(redisUrl, 'worker');
  try {
    await deleteMatching(redis, `${keyPrefix}:*`);
    await deleteMatching(redis, `${keyLayout(keyPrefix).queuePrefix}:*`);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const { signal } = options;
  const out = new DemoOutput(options.stdout, options.tty);
  const startedAt = Date.now();
  const redisUrl = options.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  // First, before anything starts: a missing Redis is the likeliest problem, and has advice.
  await probeRedis(redisUrl);

  const logDir = await mkdtemp(join(tmpdir(), 'playercoach-demo-'));
  const keyPrefix = demoKeyPrefix(options.env);
  const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
  out.line('playercoach demo: two sandbox CRMs, the server and a worker on your Redis, end to end.');
  out.line(`Logs of the server and the worker: ${logDir}`);
  let finished = false;
  // Runs last, once the server and the worker are gone and can write nothing more.
  cleanups.push({ what: 'Redis keys', run: () => removeKeys(redisUrl, keyPrefix) });
  try {
    out.step(
      `Redis at ${redisUrl} answers; the demo's keys go under "${keyPrefix}" and are removed at the end`,
    );

    const timezone = GENERATE_DEFAULTS.timezone;
    const today = DateTime.now().setZone(timezone).toISODate()!;
    const sandboxes: RunningSandboxes = await startSandboxes({
      deals: options.deals,
      seed: options.seed,
      asOf: today,
    });
    cleanups.push({ what: 'sandboxes', run: () => sandboxes.close() });
    out.step(
      `Sandbox CRMs started with a generated org: ${sandboxes.info.org.deals} deals, ` +
        `${sandboxes.info.org.users} users, ${sandboxes.info.org.activities} meetings and calls`,
    );
    out.detail(`Salesforce  ${sandboxes.info.salesforce.url}  (org ${sandboxes.info.salesforce.orgId})`);
    out.detail(`HubSpot     ${sandboxes.info.hubspot.url}  (portal ${sandboxes.info.hubspot.portalId})`);

    const setup = await demoEnv(options.env, keyPrefix, sandboxes.info.env);
    const services = await startServices(setup.env, logDir, signal);
    cleanups.push({ what: 'server and worker', run: () => services.stop() });
    out.step(
      `Server listening on ${services.serverUrl}, one worker running (playercoach serve, playercoach worker)`,
    );

    const logger = createLogger({ level: 'info', destination: createWriteStream(join(logDir, 'demo.log')) });
    const rt: CliRuntime = await openRuntime({ env: setup.env, logger });
    cleanups.push({ what: 'runtime', run: () => rt.close() });

    out.step(
      'Tenants created and playercoach installed into each CRM (as `playercoach tenant add` and `install` do)',
    );
    const bodies = sandboxTenants(sandboxes.info, sandboxes.snapshot, {
      salesforce: 'demo-salesforce',
      hubspot: 'demo-hubspot',
    });
    const tenants: DemoTenant[] = [];
    for (const [label, body, closeDeal] of [
      [
        'Salesforce',
        bodies.salesforce,
        (s: RepStory) => closeSalesforceDeal(sandboxes.info.salesforce.url, s),
      ],
      ['HubSpot', bodies.hubspot, (s: RepStory) => closeHubSpotDeal(sandboxes.info.hubspot.url, s)],
    ] as const) {
      const tenant = await rt.tenants.create(body);
      const connector = rt.deps.connectors(tenant);
      const report = await connector.install();
      // Only now: a reconcile that ran before the install would see no quotas (they live in
      // playercoach's own object) and the worker would keep that org for ORG_CACHE_TTL_MS.
      await scheduleReconcile(rt.deps, tenant.id);
      tenants.push({ label, tenant, connector, closeDeal });
      out.detail(
        `${label.padEnd(11)} tenant ${tenant.id}: ${report.created.length} created, ` +
          `${report.existing.length} already there, ${report.updated.length} updated` +
          (report.skipped?.length ? `, ${report.skipped.length} skipped` : ''),
      );
    }

    const closeDates = sandboxes.snapshot.deals.map((d) => d.closeDate).sort();
    const range = { from: closeDates[0] ?? today, to: today };
    out.step(`Backfill of every deal closed from ${range.from} to ${range.to}`);
    for (const t of tenants) {
      await runBackfill(rt, { id: t.tenant.id, label: t.label, connector: t.connector }, range, out, signal);
    }

    const salesforceTenant = tenants[0]!.tenant;
    sandboxes.salesforce.setOutboundUrl(salesforceWebhookUrl(setup.publicBaseUrl, salesforceTenant)!);
    sandboxes.hubspot.setWebhookUrl(`${setup.publicBaseUrl}/webhooks/hubspot`);
    out.step('Webhooks connected');
    out.detail(
      `Salesforce  Outbound Message on Opportunity -> ${setup.publicBaseUrl}/webhooks/salesforce/${salesforceTenant.id}/<secret>`,
    );
    out.detail(
      `HubSpot     signed webhooks (deals, meetings, calls) -> ${setup.publicBaseUrl}/webhooks/hubspot`,
    );

    const period = periodOf(today, sandboxes.snapshot.fiscalYearStartMonth, DEFAULT_POLICY.period);
    const meetingStart = DateTime.fromISO(today, { zone: timezone })
      .minus({ days: 1 })
      .set({ hour: 10 })
      .toUTC()
      .toISO({ suppressMilliseconds: true })!;
    const before = await Promise.all(tenants.map((t) => readAttainment(t.connector, period)));
    out.step(`Attainment in ${period} before, read from the CRM fields`);
    tenants.forEach((t, i) => {
      out.detail(`${t.label}:`);
      out.detail(renderAttainment(before[i]!));
    });

    out.step('A rep in each CRM closes a deal, with their manager on the buyer meeting');
    const stories = tenants.map((_, i) =>
      pickStory(before[i]!.org, period, { closeDate: today, meetingStart }),
    );
    const waitStartedAt = Date.now();
    const closed: ClosedDeal[] = [];
    for (const [i, t] of tenants.entries()) {
      const story = stories[i]!;
      const deal = await t.closeDeal(story);
      closed.push(deal);
      out.detail(
        `${t.label.padEnd(11)} ${story.repName} opened "${deal.name}" (${formatAmount(story.amount)} USD), logged a meeting ` +
          `with ${story.managerName} (accepted) and ${deal.buyerEmail}, and marked it Closed Won.`,
      );
    }

    out.step('The webhooks carry it through the queue to the worker, which writes the CRM fields');
    const after = await Promise.all(
      tenants.map((t, i) => waitForMove(t.connector, before[i]!, stories[i]!.managerId, signal)),
    );
    for (const [i, t] of tenants.entries()) {
      const fields = (
        await t.connector.pullDeals([closed[i]!.dealId], { splits: false, accountActivities: false })
      ).current.get(closed[i]!.dealId);
      out.detail(`${t.label.padEnd(11)} "${closed[i]!.name}": ${fields?.reason ?? 'no reason written'}`);
    }
    out.detail(`(${((Date.now() - waitStartedAt) / 1000).toFixed(1)} s from the first rep's first click)`);

    out.step(`Attainment in ${period} after, read back from the CRM fields`);
    tenants.forEach((t, i) => {
      out.detail(`${t.label}:`);
      out.detail(renderAttainment(after[i]!, { before: before[i]!, mark: (s) => out.strong(s) }));
    });
    finished = true;
  } finally {
    const failures: string[] = [];
    for (const c of cleanups.reverse()) {
      try {
        await c.run();
      } catch (err) {
        failures.push(`${c.what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (finished) {
      out.line();
      out.line(
        `Done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s. The server, the worker and the sandboxes ` +
          `are stopped and the demo's Redis keys removed.${failures.length ? ` Cleanup problems: ${failures.join('; ')}` : ''}`,
      );
    }
  }
}

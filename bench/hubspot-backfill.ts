/**
 * A HubSpot backfill at scale, through the real @hubspot/api-client against the sandbox over HTTP:
 * a generated org (100k deals, about five activities each) is loaded into the sandbox, the
 * connector pulls everything closed, computes a write-back plan and writes every result back,
 * then pulls again and writes back again (which must make no writing call). Prints the calls by
 * endpoint and the wall time (pull and write-back, not generating and loading the org) beside what
 * a per-record approach needs, and ends with one line:
 * `hubspot-backfill: deals=N pull_calls=A writeback_calls=B noop_writeback_calls=C seconds=S`.
 * Targets: A <= 7,000, B <= ceil(records written / 100) + 10, C = 0.
 *
 * The sandbox's rate limits are lifted so the run measures calls and our own work, not waiting;
 * the time the same calls take at HubSpot's pace (an OAuth app's 100 calls per 10 s) is printed.
 *
 *   npm run bench:hubspot-backfill [-- --deals 100000 --seed 1 --page-size 2000]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHubSpotConnector } from '../connectors/hubspot/hubspot-connector.js';
import type { CallStats } from '../connectors/hubspot/sandbox/limits.js';
import { startHubSpotSandbox } from '../connectors/hubspot/sandbox/server.js';
import type { DealBatch, OrgData } from '../connectors/types.js';
import { attainmentRows } from '../src/domain/attainment.js';
import { evaluateAll } from '../src/domain/engine.js';
import { prepareOrg } from '../src/domain/org-context.js';
import { DEFAULT_POLICY } from '../src/domain/policy.js';
import type { Snapshot } from '../src/domain/snapshot.js';
import { parseSnapshot } from '../src/domain/snapshot.js';
import type { CrmFieldState, WriteBackPlan } from '../src/domain/write-back.js';
import { buildWriteBackPlan } from '../src/domain/write-back-plan.js';
import { generateOrg } from '../src/generator/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

// The portal and the pulled org of 100k deals need more heap than Node's default: run in a child
// process that has it.
if (!process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) {
  const child = spawnSync(
    process.execPath,
    [
      '--max-old-space-size=12288',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
}

const DEALS = arg('deals', 100_000);
const SEED = arg('seed', 1);
const PAGE_SIZE = arg('page-size', 2000);
const HUBSPOT_PACE_PER_S = 10;

function printStats(title: string, stats: CallStats): void {
  console.log(`${title}: ${stats.total} calls`);
  for (const [endpoint, n] of Object.entries(stats.byEndpoint))
    console.log(`  ${String(n).padStart(7)}  ${endpoint}`);
}

function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

const started = performance.now();
async function startLoaded() {
  const generated = generateOrg({ deals: DEALS, seed: SEED });
  console.log(
    `generated ${generated.deals.length} deals, ${generated.activities.length} activities, ${generated.users.length} users in ${secondsSince(started).toFixed(1)} s`,
  );
  const sandbox = await startHubSpotSandbox({
    snapshot: generated,
    switches: { tenSecondlyLimit: 1_000_000_000, dailyLimit: 1_000_000_000, searchPerSecond: 1_000_000 },
  });
  // For comparison: how many deals the engine credits on the org as generated, before HubSpot's
  // mapping (one internal participant per call, no per-attendee answers) has touched it.
  const genCtx = prepareOrg(generated, DEFAULT_POLICY);
  const creditedBefore = evaluateAll(genCtx, generated, { wonOnly: true }).filter(
    (e) => e.fields.involved,
  ).length;
  // Only these survive: the generated org itself is dropped once the portal holds it.
  return {
    sandbox,
    org: { tenant: generated.tenant, fiscalYearStartMonth: generated.fiscalYearStartMonth, creditedBefore },
  };
}
const loadStart = performance.now();
const { sandbox: sb, org } = await startLoaded();
console.log(
  `sandbox loaded: ${sb.store.all('contacts').size} contacts, ${sb.store.all('companies').size} companies in ${secondsSince(loadStart).toFixed(1)} s`,
);

const tokens = sb.issueTokens();
const connector = createHubSpotConnector({
  basePath: sb.url,
  accessToken: tokens.accessToken,
  refreshToken: tokens.refreshToken,
  expiresAt: Date.now() + tokens.expiresIn * 1000,
  clientId: sb.clientId,
  clientSecret: sb.clientSecret,
  portalId: sb.portalId,
  managerMapping: { owners: {}, teams: sb.idMap.teams },
  fiscalYearStartMonth: org.fiscalYearStartMonth,
  rateLimits: { tenSecondly: 1_000_000_000, searchPerSecond: 1_000_000 },
});
await connector.install();

async function pullAll(): Promise<{ org: OrgData; batch: DealBatch; seconds: number }> {
  const t = performance.now();
  const orgData = await connector.pullOrg();
  const all: DealBatch = { deals: [], activities: [], current: new Map() };
  const seenActivities = new Map<string, number>();
  let page: string | null = null;
  do {
    const batch = await connector.pullClosedBetween({ from: '1970-01-01', to: '2199-12-31' }, page, {
      splits: false,
      accountActivities: false,
      pageSize: PAGE_SIZE,
    });
    all.deals.push(...batch.deals);
    for (const a of batch.activities) {
      const at = seenActivities.get(a.id);
      if (at === undefined) {
        seenActivities.set(a.id, all.activities.length);
        all.activities.push(a);
      } else {
        const seen = all.activities[at]!;
        seen.dealIds = [...new Set([...seen.dealIds, ...a.dealIds])];
      }
    }
    for (const [k, v] of batch.current) all.current.set(k, v);
    page = batch.next;
  } while (page !== null);
  return { org: orgData, batch: all, seconds: secondsSince(t) };
}

function stateOf(pulled: { org: OrgData; batch: DealBatch }): CrmFieldState {
  return {
    deals: pulled.batch.current,
    attainment: pulled.org.current.attainment,
    users: pulled.org.current.users,
  };
}

function snapshotOf(pulled: { org: OrgData; batch: DealBatch }): Snapshot {
  const o = pulled.org;
  return {
    version: 1,
    tenant: org.tenant,
    corporateCurrency: o.corporateCurrency,
    timezone: o.timezone,
    fiscalYearStartMonth: o.fiscalYearStartMonth,
    internalDomains: o.internalDomains,
    users: o.users,
    managerHistory: [],
    deals: pulled.batch.deals,
    activities: pulled.batch.activities,
    quotas: o.quotas,
    rates: o.rates,
  };
}

sb.resetStats();
const callsBeforePull = connector.calls();
const first = await pullAll();
const pullCalls = connector.calls() - callsBeforePull;
printStats('pull', sb.stats());
console.log(
  `pulled ${first.batch.deals.length} deals, ${first.batch.activities.length} activities in ${first.seconds.toFixed(1)} s`,
);

// What the service does after a backfill pull: evaluate every deal under the default policy and
// plan the write-back (deal fields, attainment rows, user fields).
const computeStart = performance.now();
const pulledOrg = parseSnapshot(snapshotOf(first));
const ctx = prepareOrg(pulledOrg, DEFAULT_POLICY);
const evaluations = evaluateAll(ctx, pulledOrg);
const plan: WriteBackPlan = buildWriteBackPlan({
  ctx,
  evaluations,
  rows: attainmentRows(ctx, evaluations),
  asOf: '2026-11-15T12:00:00.000Z',
});
console.log(
  `computed ${evaluations.filter((e) => e.fields.involved).length} credited deals (${org.creditedBefore} on the org as generated), ` +
    `${plan.attainment.length} attainment rows in ${secondsSince(computeStart).toFixed(1)} s`,
);
sb.resetStats();
const writeStart = performance.now();
const written = await connector.writeBack(plan, stateOf(first));
const writeSeconds = secondsSince(writeStart);
printStats('write-back', sb.stats());
const recordsWritten = written.written.deals + written.written.attainment;
console.log(
  `wrote ${written.written.deals} deals, ${written.written.attainment} attainment records in ${writeSeconds.toFixed(1)} s; ` +
    `failures ${written.failures.length}`,
);

// The backfill's wall time: the pull and the write-back (not generating and loading the org).
const backfillSeconds = first.seconds + writeSeconds;
const second = await pullAll();
sb.resetStats();
const noop = await connector.writeBack({ ...plan, evaluatedAt: '2026-11-16T12:00:00.000Z' }, stateOf(second));
if (noop.written.deals + noop.written.attainment + written.failures.length + noop.failures.length > 0) {
  console.log(
    `unexpected: repeat wrote ${JSON.stringify(noop.written)}, failures ${written.failures.length + noop.failures.length}`,
  );
}
console.log(
  `repeat: pulled again in ${second.seconds.toFixed(1)} s, write-back made ${noop.calls} calls; whole run ${secondsSince(started).toFixed(1)} s`,
);

const activities = first.batch.activities.length;
const contacts = sb.store.all('contacts').size;
const perRecordPull =
  Math.ceil(first.batch.deals.length / 100) + 2 * first.batch.deals.length + 2 * activities + contacts;
const perRecordWrite = recordsWritten;
console.log('');
console.log('                          batched      per record');
console.log(`pull calls            ${String(pullCalls).padStart(10)}  ${String(perRecordPull).padStart(14)}`);
console.log(
  `write-back calls      ${String(written.calls).padStart(10)}  ${String(perRecordWrite).padStart(14)}`,
);
console.log(
  `at HubSpot's pace (s) ${String(Math.ceil((pullCalls + written.calls) / HUBSPOT_PACE_PER_S)).padStart(10)}  ${String(
    Math.ceil((perRecordPull + perRecordWrite) / HUBSPOT_PACE_PER_S),
  ).padStart(14)}`,
);
console.log(
  '(per record: a deal list page per 100 deals, one association read per deal and activity kind, one read per activity and its contacts, one read per contact, one write per record)',
);
const budget = Math.ceil(recordsWritten / 100) + 10;
console.log(
  `targets: pull_calls <= 7000 ${pullCalls <= 7000 ? 'ok' : 'MISSED'}; writeback_calls <= ${budget} ${written.calls <= budget ? 'ok' : 'MISSED'}; noop = 0 ${noop.calls === 0 ? 'ok' : 'MISSED'}`,
);
await sb.close();
console.log(
  `hubspot-backfill: deals=${first.batch.deals.length} pull_calls=${pullCalls} writeback_calls=${written.calls} ` +
    `noop_writeback_calls=${noop.calls} seconds=${backfillSeconds.toFixed(1)}`,
);

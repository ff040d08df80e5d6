/**
 * A Salesforce backfill at scale: a generated org (100k deals by default) in the sandbox, pulled
 * whole through the connector, computed, and every result written back; then pulled again and
 * written again, which must make no writing call. Prints the calls by endpoint and the wall
 * time beside what a per-record approach would need, and ends with one line:
 * `salesforce-backfill: deals=N pull_calls=A writeback_calls=B noop_writeback_calls=C seconds=S`
 * (S: pull + compute + write-back). Targets: A <= 400, B <= ceil(records written / 200) + 10, C = 0.
 *
 *   npm run bench:salesforce-backfill [-- 100000]
 */
import { pullSnapshot } from '../connectors/pull-snapshot.js';
import { createSalesforceConnector } from '../connectors/salesforce/salesforce-connector.js';
import { sandboxConnectionOptions } from '../connectors/salesforce/sandbox/connection-options.js';
import { startSalesforceSandbox } from '../connectors/salesforce/sandbox/server.js';
import type { SandboxStats } from '../connectors/salesforce/sandbox/switches.js';
import { attainmentRows } from '../src/domain/attainment.js';
import { evaluateAll } from '../src/domain/engine.js';
import { prepareOrg } from '../src/domain/org-context.js';
import { DEFAULT_POLICY } from '../src/domain/policy.js';
import type { Snapshot } from '../src/domain/snapshot.js';
import { buildWriteBackPlan } from '../src/domain/write-back-plan.js';
import { generateOrg } from '../src/generator/index.js';

const deals = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(deals) || deals < 1) {
  console.error('usage: npm run bench:salesforce-backfill [-- DEALS]');
  process.exit(2);
}
const RANGE = { tenant: 'acme', from: '1900-01-01', to: '2999-12-31' };
const seconds = (since: number) => (performance.now() - since) / 1000;
const mb = () => Math.round(process.memoryUsage().heapUsed / 1048576);

function show(title: string, stats: SandboxStats): void {
  console.log(`${title}: ${stats.calls} calls`);
  for (const [endpoint, n] of Object.entries(stats.byEndpoint))
    console.log(`  ${String(n).padStart(6)}  ${endpoint}`);
}

let started = performance.now();
let org: Snapshot | null = generateOrg({ deals });
const activities = org.activities.length;
const sf = await startSalesforceSandbox({
  snapshot: org,
  clientSecret: 'bench',
  switches: { dailyApiLimit: 10_000_000 },
});
org = null;
console.log(
  `org: ${deals} deals, ${activities} activities, generated and loaded in ${seconds(started).toFixed(1)} s (heap ${mb()} MB)`,
);

try {
  const connector = createSalesforceConnector({
    ...sandboxConnectionOptions(sf),
    bulkPollIntervalMs: 100,
  });
  await connector.install();
  sf.resetStats();

  const measured = performance.now();
  started = performance.now();
  const pulled = await pullSnapshot(connector, RANGE);
  const pullSeconds = seconds(started);
  const pullStats = sf.stats();

  started = performance.now();
  // The engine over the pulled org, as a backfill job would run it.
  const ctx = prepareOrg(pulled.snapshot, DEFAULT_POLICY);
  const evaluations = evaluateAll(ctx, pulled.snapshot);
  const rows = attainmentRows(ctx, evaluations);
  const plan = buildWriteBackPlan({ ctx, evaluations, rows, asOf: '2026-11-15T12:00:00Z' });
  const computeSeconds = seconds(started);

  sf.resetStats();
  started = performance.now();
  const report = await connector.writeBack(plan, pulled.current);
  const writeSeconds = seconds(started);
  const writeStats = sf.stats();
  const total = seconds(measured);
  const written = report.written.deals + report.written.attainment + report.written.users;
  if (report.failures.length > 0)
    console.log(`write-back failures: ${report.failures.length}`, report.failures.slice(0, 5));

  const again = await pullSnapshot(connector, RANGE);
  sf.resetStats();
  const noop = await connector.writeBack(plan, again.current);
  const noopCalls = sf.stats().calls;

  console.log(
    `pull: ${pulled.snapshot.deals.length} deals, ${pulled.snapshot.activities.length} activities in ${pulled.pages} pages, ${pullSeconds.toFixed(1)} s`,
  );
  show('pull calls by endpoint', pullStats);
  console.log(`compute (write-back plan): ${computeSeconds.toFixed(1)} s`);
  console.log(
    `write-back: ${written} records written (${report.written.deals} deals, ${report.written.attainment} attainment, ${report.written.users} users), ${writeSeconds.toFixed(1)} s`,
  );
  show('write-back calls by endpoint', writeStats);
  console.log(`second write-back: ${noop.unchanged.deals} deals unchanged, ${noopCalls} calls`);
  const perRecordPull = pulled.snapshot.deals.length * 3 + 1;
  console.log(
    `a per-record approach: about ${perRecordPull} calls to pull (one opportunity, one event and one task query per deal) and ${written} to write (one PATCH per record); this run: ${pullStats.calls} and ${writeStats.calls}`,
  );
  console.log(
    `salesforce-backfill: deals=${deals} pull_calls=${pullStats.calls} writeback_calls=${writeStats.calls} noop_writeback_calls=${noopCalls} seconds=${total.toFixed(1)}`,
  );
} finally {
  await sf.close();
}

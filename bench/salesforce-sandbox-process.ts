/**
 * The Salesforce sandbox of bench/backfill-e2e.ts, in a process of its own so its CPU profile and
 * memory are its own and the bench's polling does not share its event loop. Generates the org
 * (fixed seed), loads it, installs playercoach's fields through the real connector, and prints one
 * JSON line with the URL, the connected app and the tokens. SIGTERM closes it and exits 0, so a
 * `--cpu-prof` profile gets written.
 *
 *   node --import tsx bench/salesforce-sandbox-process.ts DEALS SEED
 */
import { createSalesforceConnector } from '../connectors/salesforce/salesforce-connector.js';
import { sandboxConnectionOptions } from '../connectors/salesforce/sandbox/connection-options.js';
import { startSalesforceSandbox } from '../connectors/salesforce/sandbox/server.js';
import type { Snapshot } from '../src/domain/snapshot.js';
import { generateOrg } from '../src/generator/index.js';

export interface SandboxReady {
  url: string;
  orgId: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
  deals: number;
  activities: number;
  loadSeconds: number;
}

const deals = Number(process.argv[2]);
const seed = Number(process.argv[3]);
const started = performance.now();
let org: Snapshot | null = generateOrg({ deals, seed });
const activities = org.activities.length;
const sf = await startSalesforceSandbox({
  snapshot: org,
  clientSecret: 'bench-backfill-e2e',
  // A backfill stops at 25% of the day's remaining calls; the bench measures speed, not the guard.
  switches: { dailyApiLimit: 10_000_000 },
});
org = null;
const tokens = sf.issueTokens();
await createSalesforceConnector(sandboxConnectionOptions(sf, tokens)).install();
sf.resetStats();

const ready: SandboxReady = {
  url: sf.url,
  orgId: sf.orgId,
  clientId: sf.clientId,
  clientSecret: sf.clientSecret,
  accessToken: tokens.accessToken,
  refreshToken: tokens.refreshToken,
  deals,
  activities,
  loadSeconds: (performance.now() - started) / 1000,
};
console.log(JSON.stringify({ ready }));

process.once('SIGTERM', () => {
  void sf.close().then(() => process.exit(0));
});

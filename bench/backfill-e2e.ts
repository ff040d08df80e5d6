/**
 * A backfill end to end, as ops would run one: a generated org (100k deals by default, fixed seed)
 * in the Salesforce sandbox (its own process), playercoach's fields installed, a tenant in the
 * tenant store, a backfill over every close date started through the service, and ONE
 * `playercoach worker --queues backfill` child process taking it through the BullMQ queue into
 * the sandbox. Measures the wall time from the start to the backfill's `completed` state and the
 * worker's peak RSS (VmHWM, with its children's if any); checks that every won deal in the
 * sandbox carries the written fields and that the backfill pulled every deal; prints the
 * sandbox's call counts, and ends with one line:
 * `backfill-e2e: deals=N deals_per_s=X worker_peak_rss_mb=Y`. Target: X >= 5,000, Y <= 512.
 *
 *   npm run bench:backfill-e2e [-- --deals N] [-- --profile DIR]
 *
 * --profile DIR runs the worker and the sandbox with `node --cpu-prof --cpu-prof-dir DIR`.
 * Redis comes from REDIS_URL (default 127.0.0.1:6379); every key under the bench's private prefix
 * is removed at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SALESFORCE_API_VERSION } from '../connectors/salesforce/api-version.js';
import { openRuntime } from '../src/cli/runtime.js';
import { backfillProgress, startBackfill } from '../src/service/backfills.js';
import type { BackfillState } from '../src/store/backfills.js';
import { deleteMatching } from '../src/store/redis-helpers.js';
import type { SandboxReady } from './salesforce-sandbox-process.js';

const SEED = 1;
const TENANT = 'acme';
const ROOT = new URL('..', import.meta.url).pathname;

const { values: flags } = parseArgs({
  options: { deals: { type: 'string', default: '100000' }, profile: { type: 'string' } },
});
const deals = Number(flags.deals);
if (!Number.isInteger(deals) || deals < 1) {
  console.error('usage: npm run bench:backfill-e2e [-- --deals N] [--profile DIR]');
  process.exit(2);
}
const nodeFlags = flags.profile ? ['--cpu-prof', '--cpu-prof-dir', flags.profile] : [];

/** Kept stdout and stderr of a child, for the error message when it dies. */
function collect(child: ChildProcess): { text(): string } {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { text: () => tail };
}

function firstLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        child.stdout?.off('data', onData);
        resolve(line);
      }
    };
    child.stdout?.on('data', onData);
    child.once('close', (code) => reject(new Error(`${what} exited with ${code}: ${buffer.slice(-4000)}`)));
  });
}

/** Peak resident set (VmHWM, kB) of a process and, summed, of every descendant it has now. */
function peakRssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
    return hwm + children.reduce((sum, c) => sum + peakRssKb(c), 0);
  } catch {
    // The process is gone; the last sample stands.
    return 0;
  }
}

/**
 * CPU seconds (user + system) a process has used so far. On a shared machine the wall time
 * says more about the neighbours than about the code; this does not.
 */
function cpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, counted after the command name (which may hold spaces).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = once(child, 'close');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await closed;
  clearTimeout(timer);
}

const POLL_MS = 100;
const seconds = (since: number) => (performance.now() - since) / 1000;

// The sandbox: generated, loaded and installed before anything is timed.
const sandboxChild = spawn(
  process.execPath,
  [...nodeFlags, '--import', 'tsx', 'bench/salesforce-sandbox-process.ts', String(deals), String(SEED)],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
);
const sandboxOutput = collect(sandboxChild);
const children: ChildProcess[] = [sandboxChild];
const prefix = `bench-e2e-${randomBytes(4).toString('hex')}`;
let cleanup: (() => Promise<void>) | null = null;

try {
  const { ready: sf } = JSON.parse(await firstLine(sandboxChild, /^\{"ready"/, 'the sandbox')) as {
    ready: SandboxReady;
  };
  console.log(
    `org: ${sf.deals} deals, ${sf.activities} activities (seed ${SEED}), generated, loaded and installed in ${sf.loadSeconds.toFixed(1)} s`,
  );

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    // V8 flags to try (heap sizes, GC) reach the worker as they would in a deployment.
    ...(process.env.NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: process.env.NODE_OPTIONS }),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    KEY_PREFIX: prefix,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ADMIN_TOKEN: randomBytes(24).toString('hex'),
    SALESFORCE_CLIENT_ID: sf.clientId,
    SALESFORCE_CLIENT_SECRET: sf.clientSecret,
    SALESFORCE_LOGIN_URL: sf.url,
    LOG_LEVEL: 'info',
  };
  const rt = await openRuntime({ env });
  cleanup = async () => {
    for (const pattern of [`${prefix}:*`, `${rt.deps.keys.queuePrefix}:*`])
      await deleteMatching(rt.redis, pattern);
    await rt.close();
  };
  await rt.tenants.create({
    id: TENANT,
    name: 'Acme (bench)',
    kind: 'salesforce',
    salesforce: { orgId: sf.orgId, instanceUrl: sf.url, loginUrl: sf.url },
    credentials: { accessToken: sf.accessToken, refreshToken: sf.refreshToken },
  });

  const worker = spawn(
    process.execPath,
    [...nodeFlags, 'bin/playercoach.js', 'worker', '--queues', 'backfill'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(worker);
  const workerOutput = collect(worker);
  await firstLine(worker, /"msg":"worker started"/, 'the worker');
  let peakKb = peakRssKb(worker.pid!);
  const sampler = setInterval(() => {
    peakKb = Math.max(peakKb, peakRssKb(worker.pid!));
  }, 100);

  const cpuBefore = { worker: cpuSeconds(worker.pid!), sandbox: cpuSeconds(sandboxChild.pid!) };
  const started = performance.now();
  const benchCpuBefore = process.cpuUsage();
  const begun = await startBackfill(rt.service, TENANT, { from: '1900-01-01', to: '2999-12-31' });
  let state: BackfillState = begun;
  while (state.status === 'running') {
    if (worker.exitCode !== null) throw new Error(`the worker exited: ${workerOutput.text()}`);
    // Each poll reads the tenant and the state (about 2 ms of CPU here): every 20 ms that took
    // a tenth of a core from the worker and the sandbox on a 2-core machine. 100 ms costs the
    // measured time at most 0.1 s.
    await new Promise((r) => setTimeout(r, POLL_MS));
    state = await backfillProgress(rt.service, TENANT, begun.id);
  }
  const wall = seconds(started);
  const cpu = {
    worker: cpuSeconds(worker.pid!) - cpuBefore.worker,
    sandbox: cpuSeconds(sandboxChild.pid!) - cpuBefore.sandbox,
  };
  const benchCpu = process.cpuUsage(benchCpuBefore);
  peakKb = Math.max(peakKb, peakRssKb(worker.pid!));
  clearInterval(sampler);
  if (state.status !== 'completed') throw new Error(`backfill ${state.status}: ${state.reason}`);

  const dealsPerSecond = state.dealsPulled / wall;
  const peakMb = peakKb / 1024;
  console.log(
    `backfill ${state.id}: ${state.status} in ${wall.toFixed(1)} s, ${state.pages} pages of ${state.pageSize}; ` +
      `pulled ${state.dealsPulled}, evaluated ${state.dealsEvaluated}, written ${state.dealsWritten} deals; ` +
      `${state.apiCalls} API calls`,
  );
  console.log(`worker peak RSS: ${peakMb.toFixed(0)} MB`);
  console.log(
    `CPU during the backfill: worker ${cpu.worker.toFixed(1)} s, sandbox ${cpu.sandbox.toFixed(1)} s ` +
      `(${Math.round(state.dealsPulled / (cpu.worker + cpu.sandbox))} deals per CPU second of both); ` +
      `this bench ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} s; ` +
      `load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );

  // What the sandbox holds, asked through its REST API with the tenant's token.
  const count = async (where: string): Promise<number> => {
    const q = encodeURIComponent(`SELECT COUNT() FROM Opportunity WHERE ${where}`);
    const res = await fetch(`${sf.url}/services/data/v${SALESFORCE_API_VERSION}/query?q=${q}`, {
      headers: { authorization: `Bearer ${sf.accessToken}` },
    });
    if (!res.ok) throw new Error(`count query failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { totalSize: number }).totalSize;
  };
  const won = await count('IsWon = true');
  const wonWritten = await count(
    'IsWon = true AND PC_Evaluated_At__c != null AND PC_Manager_Credit__c != null',
  );
  console.log(`sandbox: ${won} won deals, ${wonWritten} of them carry playercoach's fields`);
  const stats = (await (await fetch(`${sf.url}/__sandbox/stats`)).json()) as {
    calls: number;
    byEndpoint: Record<string, number>;
    byStatus: Record<string, number>;
    apiUsage: { used: number; limit: number };
  };
  console.log(
    `sandbox calls: ${stats.calls} (API usage ${stats.apiUsage.used}), by status ${JSON.stringify(stats.byStatus)}`,
  );
  for (const [endpoint, n] of Object.entries(stats.byEndpoint))
    console.log(`  ${String(n).padStart(6)}  ${endpoint}`);

  const problems: string[] = [];
  if (state.dealsPulled !== deals)
    problems.push(`the backfill pulled ${state.dealsPulled} deals, not ${deals}`);
  if (won === 0 || wonWritten !== won)
    problems.push(`${won - wonWritten} of ${won} won deals lack the fields`);
  if (problems.length > 0) {
    console.error(`backfill-e2e: not a real result: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
  console.log(
    `backfill-e2e: deals=${state.dealsPulled} deals_per_s=${Math.round(dealsPerSecond)} worker_peak_rss_mb=${Math.round(peakMb)}`,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  console.error(`sandbox output: ${sandboxOutput.text()}`);
  process.exitCode = 1;
} finally {
  // The worker first: it may still be writing to the sandbox.
  for (const child of children.reverse()) await stop(child);
  await cleanup?.();
}

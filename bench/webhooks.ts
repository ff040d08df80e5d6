/**
 * How fast the service acknowledges HubSpot webhooks. Starts a private Redis (AOF, fsync every
 * second, as docker-compose.yml runs it) and `playercoach serve` as a child process, creates a
 * HubSpot tenant through the admin API, then fires validly signed (v3) batches of 100 events (5
 * property changes on each of 20 deals, every event id unique) at POST /webhooks/hubspot with
 * autocannon, in this process:
 *   1. a fixed 1,000 req/s, spread evenly over each second: latency p50/p99/p99.9 of the ack;
 *   2. as fast as it goes: the maximum sustained rate and its latencies.
 * autocannon's own `overallRate` releases each connection's quota for a second as one burst at the
 * start of that second, so at "1,000 req/s" the server would see 1,000 requests at once and then
 * nothing: a test of queueing, not of a steady 1,000 req/s. Phase 1 therefore runs PACED_INSTANCES
 * autocannon instances, each a few connections at a small per-connection rate, started at even
 * offsets within the second, and measures every response's latency itself.
 * Every 2xx must be a job in Redis: the run checks the count. Ends with one line
 * `webhooks-bench: rps_max=R p99_ms_at_1000=L` (target on the 2-core machine: L <= 20, R >= 3000).
 *
 *   npm run bench:webhooks [-- --seconds 10]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { type EventEmitter, once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { keyLayout } from '../src/store/keys.js';
import { freePort, startPrivateRedis } from '../test/support/private-redis.js';

const BIN = fileURLToPath(new URL('../bin/playercoach.js', import.meta.url));
const PORTAL_ID = 4242;
const EVENTS_PER_BATCH = 100;
const DEALS_PER_BATCH = 20;

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 10;

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('serve did not become ready');
}

/** A signed batch: unique event ids, 5 property changes on each of 20 deals. */
function batchMaker(url: string, clientSecret: string) {
  let eventId = 1;
  let deal = 1;
  const properties = ['dealstage', 'amount', 'closedate', 'hubspot_owner_id', 'hs_lastmodifieddate'];
  return () => {
    const now = Date.now();
    const events: string[] = [];
    for (let d = 0; d < DEALS_PER_BATCH; d++, deal++) {
      for (let p = 0; p < EVENTS_PER_BATCH / DEALS_PER_BATCH; p++) {
        events.push(
          `{"eventId":${eventId++},"subscriptionId":1,"portalId":${PORTAL_ID},"appId":77,"occurredAt":${now},` +
            `"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":${deal},` +
            `"propertyName":"${properties[p]}","propertyValue":"v${eventId}","changeSource":"CRM_UI"}`,
        );
      }
    }
    const body = `[${events.join(',')}]`;
    const ts = String(now);
    const signature = createHmac('sha256', clientSecret).update(`POST${url}${body}${ts}`).digest('base64');
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': ts,
      },
    };
  };
}

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of a process and its live children (the forked server processes). */
function treeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    // no children file: count the process alone
  }
  return cpuSeconds(pid) + children.reduce((sum, child) => sum + cpuSeconds(child), 0);
}

/** Runs `fn` and says how busy the server, Redis and this process (autocannon) were meanwhile. */
async function withCpu<T>(pids: { server?: number; redis?: number }, fn: () => Promise<T>) {
  const before = {
    server: treeCpuSeconds(pids.server),
    redis: cpuSeconds(pids.redis),
    self: process.cpuUsage(),
  };
  const started = performance.now();
  const result = await fn();
  const wall = (performance.now() - started) / 1000;
  const self = process.cpuUsage(before.self);
  const pct = (s: number) => `${((s / wall) * 100).toFixed(0)}%`;
  const server = treeCpuSeconds(pids.server) - before.server;
  const requests = (result as { requests?: { total?: number } }).requests?.total ?? 0;
  const cpu =
    `cpu: server ${pct(server)} (${requests > 0 ? ((server / requests) * 1e6).toFixed(0) : '?'} us per request), ` +
    `redis ${pct(cpuSeconds(pids.redis) - before.redis)}, load generator ${pct((self.user + self.system) / 1e6)} ` +
    '(100% is one core; 2 cores in all)';
  return { result, cpu };
}

const PACED_INSTANCES = 50;
const PACED_CONNECTIONS = 2;

/** The p-th percentile (0..100) of sorted latencies, nearest rank. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Paced {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; p99_9: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** `rate` req/s for `duration` s, spread evenly over each second (see the header). */
async function paced(
  run: (o: {
    connections: number;
    duration: number;
    connectionRate: number;
  }) => ReturnType<typeof autocannon>,
  rate: number,
  duration: number,
): Promise<Paced> {
  const perConnection = rate / (PACED_INSTANCES * PACED_CONNECTIONS);
  const latencies: number[] = [];
  const instances: Promise<Result>[] = [];
  for (let i = 0; i < PACED_INSTANCES; i++) {
    await new Promise((r) => setTimeout(r, 1000 / PACED_INSTANCES));
    // Without a callback autocannon returns a promise that is also its event emitter.
    const instance = run({
      connections: PACED_CONNECTIONS,
      duration,
      connectionRate: perConnection,
    }) as unknown as Promise<Result> & EventEmitter;
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
    });
    instances.push(instance);
  }
  const results = await Promise.all(instances);
  latencies.sort((a, b) => a - b);
  const sum = (pick: (r: Result) => number) => results.reduce((n, r) => n + pick(r), 0);
  return {
    requests: { total: sum((r) => r.requests.total), average: sum((r) => r.requests.average) },
    latency: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      p99_9: percentile(latencies, 99.9),
    },
    '2xx': sum((r) => r['2xx']),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
  };
}

function line(label: string, r: Result | Paced): string {
  return (
    `${label.padEnd(22)} req/s=${r.requests.average.toFixed(0).padStart(5)}  ` +
    `p50=${r.latency.p50.toFixed(1)}ms p99=${r.latency.p99.toFixed(1)}ms p99.9=${r.latency.p99_9.toFixed(1)}ms  ` +
    `2xx=${r['2xx']} non2xx=${r.non2xx} errors=${r.errors} timeouts=${r.timeouts}`
  );
}

async function main(): Promise<void> {
  const redis = await startPrivateRedis({ appendfsync: 'everysec' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    REDIS_URL: redis.url,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    KEY_PREFIX: 'bench',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ADMIN_TOKEN: randomBytes(24).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    HUBSPOT_CLIENT_ID: 'bench-client',
    HUBSPOT_CLIENT_SECRET: randomBytes(16).toString('hex'),
    // One server process per core, as the README advises for a host of its own.
    SERVER_PROCESSES: process.env.SERVER_PROCESSES ?? '2',
  };
  // The server logs one line per request, as in production; they go to /dev/null here.
  // e.g. SERVE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server.
  const nodeArgs = (process.env.SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const queue = new Queue('sync-changes', {
    connection: new Redis(redis.url, { maxRetriesPerRequest: null }),
    prefix: keyLayout('bench').queuePrefix,
  });
  try {
    await waitForHealth(base, server);
    const created = await fetch(`${base}/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'bench',
        name: 'Bench',
        kind: 'hubspot',
        hubspot: { portalId: PORTAL_ID, basePath: 'https://api.hubapi.com' },
        credentials: { accessToken: 'bench-token' },
      }),
    });
    if (created.status !== 201)
      throw new Error(`creating the tenant: ${created.status} ${await created.text()}`);

    const url = `${base}/webhooks/hubspot`;
    const next = batchMaker(url, env.HUBSPOT_CLIENT_SECRET);
    const run = (options: { connections: number; duration: number; connectionRate?: number }) =>
      autocannon({
        url,
        ...options,
        timeout: 10,
        requests: [
          { method: 'POST', path: '/webhooks/hubspot', setupRequest: (req) => ({ ...req, ...next() }) },
        ],
      });

    console.log(
      `webhooks bench: ${EVENTS_PER_BATCH} events per request, ${SECONDS} s per phase, ` +
        `${env.SERVER_PROCESSES} server process(es), 2 cores shared with Redis and the load generator`,
    );
    const warmup = await run({ connections: 20, duration: 3 }); // JIT, connections, Redis scripts
    const pids = { server: server.pid, redis: redis.pid() };
    const rate = await withCpu(pids, () => paced(run, 1000, SECONDS));
    const atRate = rate.result;
    console.log(line('at 1,000 req/s', atRate));
    console.log(`  ${rate.cpu}`);
    const max = await withCpu(pids, () => run({ connections: 64, duration: SECONDS }));
    const atMax = max.result;
    console.log(line('maximum sustained', atMax));
    console.log(`  ${max.cpu}`);

    // Every 2xx must be a job in Redis (every batch is distinct, so none was deduplicated). There
    // may be a few more jobs than 2xx: requests in flight when a run stopped are stored, not counted.
    const acked = warmup['2xx'] + atRate['2xx'] + atMax['2xx'];
    let stored = 0;
    for (let i = 0; i < 50 && stored < acked; i++) {
      stored = (await queue.getJobCounts('waiting')).waiting ?? 0;
      if (stored < acked) await new Promise((r) => setTimeout(r, 100));
    }
    console.log(
      `acknowledged batches: ${acked}; sync-changes jobs in Redis: ${stored} (some in flight at a run's end)`,
    );
    const failed = [atRate, atMax].some((r) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0);
    if (failed) console.log('WARNING: some requests failed; the rates above are not clean');
    if (stored < acked) console.log('WARNING: fewer jobs in Redis than acknowledged batches');
    console.log(
      `webhooks-bench: rps_max=${atMax.requests.average.toFixed(0)} p99_ms_at_1000=${atRate.latency.p99.toFixed(1)}`,
    );
  } finally {
    await queue.close();
    await queue.disconnect();
    if (server.exitCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    }
    await redis.destroy();
  }
}

await main();

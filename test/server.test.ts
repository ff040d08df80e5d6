// Protects the entry point: `playercoach serve` listens (in one process or several sharing the port,
// with metrics counted across them), exits 0 on SIGTERM and 2 on a bad environment; and the server
// on a real port comes back by itself after Redis is killed and restarted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { type RunningServer, startServer } from '../src/server.js';
import { waitForLine } from './support/child.js';
import { outboundMessage } from './support/outbound-message.js';
import { type PrivateRedis, startPrivateRedis } from './support/private-redis.js';
import { cleanPrefix, testRedis, uniquePrefix } from './support/redis.js';

const ORG = '00D5e000000SfCoEAA';
const BIN = new URL('../bin/playercoach.js', import.meta.url).pathname;

function serveEnv(prefix: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ADMIN_TOKEN: `admin-${randomBytes(16).toString('hex')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HOST: '127.0.0.1',
    PORT: '0',
    KEY_PREFIX: prefix,
    LOG_LEVEL: 'info',
  };
}

describe('playercoach serve', () => {
  it('listens, answers, and exits 0 on SIGTERM after closing everything', async () => {
    const prefix = uniquePrefix('serve');
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: serveEnv(prefix),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await waitForLine(child, /"msg":"listening"/);
      const { address } = JSON.parse(line) as { address: string };
      expect((await fetch(`${address}/healthz`)).status).toBe(200);
      expect((await fetch(`${address}/readyz`)).status).toBe(200);
      const closed = waitForLine(child, /"msg":"server closed"/);
      const exited = once(child, 'close');
      child.kill('SIGTERM');
      await closed;
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      const redis = testRedis();
      await cleanPrefix(redis, prefix);
      await redis.quit();
    }
  });

  it('runs several server processes on one port, counts metrics across them, and stops them all', async () => {
    const prefix = uniquePrefix('serve-procs');
    const env = { ...serveEnv(prefix), SERVER_PROCESSES: '2', HUBSPOT_CLIENT_SECRET: 'hubspot-app-secret' };
    const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    try {
      await waitForLine(child, /"msg":"server processes started"/);
      const listening = async () => {
        // Generous: forking and loading two processes takes seconds on a busy 2-core machine.
        for (let i = 0; i < 1200 && (out.match(/"msg":"listening"/g) ?? []).length < 2; i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        return out.split('\n').filter((l) => l.includes('"msg":"listening"'));
      };
      const lines = await listening();
      expect(lines).toHaveLength(2);
      const addresses = lines.map((l) => (JSON.parse(l) as { address: string }).address);
      expect(addresses[0]).toBe(addresses[1]);
      const { hostname, port } = new URL(addresses[0]!);

      // Six unsigned webhooks, each on a connection of its own so both processes take some.
      for (let i = 0; i < 6; i++) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = httpRequest(
            { host: hostname, port, path: '/webhooks/hubspot', method: 'POST', agent: false },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.setHeader('content-type', 'application/json');
          req.end('[]');
        });
        expect(status).toBe(401);
      }
      const metrics = await (await fetch(`${addresses[0]}/metrics`)).text();
      expect(metrics).toMatch(
        /^playercoach_webhooks_rejected_total\{provider="hubspot",reason="signature-missing"\} 6$/m,
      );

      const exited = once(child, 'close');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(out.match(/"msg":"server closed"/g)).toHaveLength(2);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      const redis = testRedis();
      await cleanPrefix(redis, prefix);
      await redis.quit();
    }
  });

  it('exits 2 naming every bad variable, without echoing their values', async () => {
    const env = { ...serveEnv('x'), ADMIN_TOKEN: 'too-short-secret', PORT: 'eighty', ENCRYPTION_KEY: '' };
    const child = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, 'close');
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid environment \(3 problems\)/);
    expect(stderr).toMatch(/ADMIN_TOKEN must be at least 24 characters/);
    expect(stderr).toMatch(/PORT/);
    expect(stderr).toMatch(/ENCRYPTION_KEY/);
    expect(stderr).not.toContain('too-short-secret');
  });
});

function nextEvent(emitter: NodeJS.EventEmitter, name: string): Promise<void> {
  return new Promise((resolve) => emitter.once(name, () => resolve()));
}

describe('server and a Redis restart', () => {
  let redis: PrivateRedis;
  let server: RunningServer;
  let token: string;
  let log = '';

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const env = serveEnv(uniquePrefix('restart'));
    token = env.ADMIN_TOKEN!;
    const destination = new Writable({
      write(chunk, _e, done) {
        log += String(chunk);
        done();
      },
    });
    server = await startServer(loadConfig({ ...env, REDIS_URL: redis.url }), {
      logger: createLogger({ level: 'info', destination }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.destroy();
  });

  const call = (method: string, path: string, body?: object) =>
    fetch(`${server.address}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const tenant = (id: string, portalId: number) => ({
    id,
    name: id,
    kind: 'hubspot',
    hubspot: { portalId, basePath: 'https://api.hubapi.com' },
    credentials: { accessToken: `token-of-${id}` },
  });

  it('answers 503 while Redis is down and recovers by itself when it is back, with nothing lost', async () => {
    if (server.deps.redis.status !== 'ready') await nextEvent(server.deps.redis, 'ready');
    expect((await call('POST', '/admin/tenants', tenant('before', 1))).status).toBe(201);
    const sf = await call('POST', '/admin/tenants', {
      id: 'sfco',
      name: 'sfco',
      kind: 'salesforce',
      salesforce: {
        orgId: ORG,
        instanceUrl: 'https://sfco.my.salesforce.com',
        loginUrl: 'https://login.salesforce.com',
      },
      credentials: { accessToken: 'sf-token-of-sfco' },
    });
    const webhookPath = new URL(((await sf.json()) as { webhookUrl: string }).webhookUrl).pathname;
    const outbound = () =>
      fetch(`${server.address}${webhookPath}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: outboundMessage(ORG, [{ id: '04l5e000000AAA1AAA', opportunityId: '0065e000000D001AAA' }]),
      });

    // Not events.once: it rejects on the 'error' events ioredis emits while it reconnects.
    const closed = nextEvent(server.deps.redis, 'close');
    await redis.kill();
    await closed;
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(503);
    const refused = await call('POST', '/admin/tenants', tenant('during', 2));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toEqual({
      statusCode: 503,
      error: 'UNAVAILABLE',
      message: 'storage is unavailable; retry later',
    });
    expect((await call('GET', '/healthz')).status).toBe(200);
    // No Ack while the job cannot be stored: Salesforce will deliver the message again.
    const unacked = await outbound();
    expect(unacked.status).toBe(503);
    expect(await unacked.text()).not.toMatch(/Ack/);

    const back = nextEvent(server.deps.redis, 'ready');
    await redis.start();
    await back;
    expect((await call('GET', '/readyz')).status).toBe(200);
    expect((await call('GET', '/admin/tenants/before')).status).toBe(200);
    expect((await call('POST', '/admin/tenants', tenant('after', 3))).status).toBe(201);
    const list = (await (await call('GET', '/admin/tenants')).json()) as { tenants: { id: string }[] };
    expect(list.tenants.map((t) => t.id)).toEqual(['after', 'before', 'sfco']);
    const redelivered = await outbound();
    expect(redelivered.status).toBe(200);
    expect(await redelivered.text()).toMatch(/<Ack>true<\/Ack>/);
    expect(await server.deps.queues.queue('sync-changes').getJobCounts('waiting')).toMatchObject({
      waiting: 1,
    });
    expect(log).not.toContain(token);
    expect(log).not.toContain(webhookPath.split('/').pop());
  });
});

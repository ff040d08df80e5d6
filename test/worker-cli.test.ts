// Protects the worker's entry point: `playercoach worker` starts, exits 0 on SIGTERM after closing
// everything, and refuses a bad flag or environment with exit code 2.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitForLine } from './support/child.js';
import { cleanPrefix, testRedis, uniquePrefix } from './support/redis.js';

const BIN = new URL('../bin/playercoach.js', import.meta.url).pathname;

function workerEnv(prefix: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ADMIN_TOKEN: `admin-${randomBytes(16).toString('hex')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    KEY_PREFIX: prefix,
    LOG_LEVEL: 'info',
  };
}

describe('playercoach worker', () => {
  it('starts, and exits 0 on SIGTERM after closing everything', async () => {
    const prefix = uniquePrefix('worker-cli');
    const child = spawn(process.execPath, [BIN, 'worker'], {
      env: workerEnv(prefix),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const started = JSON.parse(await waitForLine(child, /"msg":"worker started"/));
      expect(started.queues).toEqual(['sync-changes', 'recompute', 'write-back', 'reconcile', 'backfill']);
      const closed = waitForLine(child, /"msg":"worker closed"/);
      const exited = once(child, 'close');
      child.kill('SIGTERM');
      await closed;
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      const redis = testRedis();
      await cleanPrefix(redis, prefix);
      await redis.quit();
    }
  });

  it('exits 2 on an unknown queue or a bad environment', async () => {
    const run = async (args: string[], env: Record<string, string>) => {
      const child = spawn(process.execPath, [BIN, 'worker', ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const [code] = await once(child, 'close');
      return { code, stderr };
    };
    const badQueue = await run(['--queues', 'backfill,nope'], workerEnv('x'));
    expect(badQueue).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--queues: unknown queue nope/),
    });
    const badEnv = await run([], { ...workerEnv('x'), WORKER_CONCURRENCY: 'many', JOB_LOCK_MS: '5' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/WORKER_CONCURRENCY/);
    expect(badEnv.stderr).toMatch(/JOB_LOCK_MS/);
  });
});

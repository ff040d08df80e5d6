/**
 * Real Redis for tests: each test gets its own key prefix (and so its own BullMQ queue prefix),
 * and `cleanup` removes everything under it.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type KeyLayout, keyLayout } from '../../src/store/keys.js';
import { connectRedis, deleteMatching } from '../../src/store/redis.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  prefix: string;
  keys: KeyLayout;
  /** Deletes every key of this test, queues included, and closes the connection. */
  cleanup(): Promise<void>;
}

export function uniquePrefix(label: string): string {
  return `pctest-${label}-${randomBytes(4).toString('hex')}`;
}

export async function cleanupPrefix(redis: Redis, prefix: string): Promise<void> {
  await deleteMatching(redis, `${prefix}:*`);
  await deleteMatching(redis, `{${prefix}-queues}:*`);
}

export function testRedis(label: string, url = REDIS_URL): TestRedis {
  const redis = connectRedis(url, { name: `test-${label}` });
  const prefix = uniquePrefix(label);
  return {
    redis,
    prefix,
    keys: keyLayout(prefix),
    async cleanup() {
      await cleanupPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

/**
 * Real Redis for tests: each test file gets its own key prefix (and so its own queue prefix), and
 * removes every key under it when done, so files can run in parallel against one Redis.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { keyLayout } from '../../src/store/keys.js';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

export function uniquePrefix(name: string): string {
  return `t-${name}-${randomBytes(4).toString('hex')}`;
}

export function testRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
}

/** Deletes every key of the prefix: the service's keys and BullMQ's. */
export async function cleanPrefix(redis: Redis, prefix: string): Promise<void> {
  for (const pattern of [`${prefix}:*`, `${keyLayout(prefix).queuePrefix}:*`]) {
    const found = await keysUnder(redis, pattern);
    for (let i = 0; i < found.length; i += 1000) await redis.unlink(...found.slice(i, i + 1000));
  }
}

/** Every key under the prefix, sorted: what a test inspects to prove nothing else was touched. */
export async function keysUnder(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return out.sort();
}

/**
 * The two kinds of Redis connection the service opens. Both reconnect by themselves after a Redis
 * restart (ioredis' retry strategy, capped backoff).
 * - `server`: the HTTP side. Commands fail at once while Redis is down (no offline queue, one
 *   attempt), so a webhook gets a 503 and the CRM delivers it again, instead of a request that hangs.
 *   Commands issued in the same tick by concurrent requests share one socket write (auto-pipelining):
 *   under webhook load the syscalls, not Redis, were the cost.
 * - `worker`: BullMQ workers block on Redis and must wait through an outage:
 *   `maxRetriesPerRequest: null`, as BullMQ requires.
 */
import { Redis, type RedisOptions } from 'ioredis';

const retryStrategy = (times: number) => Math.min(50 * 2 ** times, 2000);

export function redisOptions(role: 'server' | 'worker'): RedisOptions {
  return role === 'server'
    ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true, retryStrategy }
    : { maxRetriesPerRequest: null, retryStrategy };
}

export function createRedis(url: string, role: 'server' | 'worker'): Redis {
  return new Redis(url, redisOptions(role));
}

/** Resolves once the connection is ready (commands fail before that with `enableOfflineQueue: false`). */
export async function redisReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
}

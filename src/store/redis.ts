/**
 * Redis connections. `maxRetriesPerRequest: null` makes a command wait for the connection to come
 * back instead of failing after a few retries, which BullMQ requires of a worker's connection and
 * which lets a worker ride out a Redis restart by itself; ioredis reconnects with a capped backoff.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';

export function connectRedis(url: string, options: { name?: string } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: options.name,
    // Reconnect fast at first, then at most every 2 s, for as long as it takes.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
  });
}

/** Deletes every key matching `pattern` (SCAN, never KEYS); for shadow ledgers and test cleanup. */
export async function deleteMatching(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    // UNLINK key by key: on a cluster the keys of one SCAN page need not share a slot.
    if (keys.length > 0) {
      const pipe = redis.pipeline();
      for (const k of keys) pipe.unlink(k);
      await pipe.exec();
      deleted += keys.length;
    }
  } while (cursor !== '0');
  return deleted;
}

const shas = new Map<string, string>();

/**
 * Runs a Lua script by its SHA-1 and sends the text only when Redis does not know it yet (after a
 * start or a restart), so a hot path does not ship the script on every call.
 */
export async function runScript(
  redis: Redis,
  lua: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  let sha = shas.get(lua);
  if (sha === undefined) {
    sha = createHash('sha1').update(lua).digest('hex');
    shas.set(lua, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(lua, keys.length, ...keys, ...args);
  }
}

/** Redis helpers the stores share: Lua scripts by SHA-1, and deleting by pattern. */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Deletes every key matching `pattern` (SCAN, never KEYS); for a dry run's shadow ledger. */
export async function deleteMatching(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) {
      await redis.unlink(...keys);
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

/** Redis helpers the stores share: Lua scripts by SHA-1, deleting by pattern, reading many hash fields. */
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

/** Fields per HMGET when reading many: see readHash. */
const READ_CHUNK = 2000;

/**
 * The parsed values of these fields of a hash (absent ones left out). Many are read in chunks sent
 * together and parsed as each reply lands, so Redis answers the next chunk while this process
 * parses the last, and no reply holds a large org's whole ledger at once (the end of a backfill
 * reads every deal it touched).
 */
export async function readHash<T>(
  redis: Redis,
  key: string,
  fields: readonly string[],
  parse: (json: string) => T,
): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  const replies: Promise<(string | null)[]>[] = [];
  for (let at = 0; at < fields.length; at += READ_CHUNK)
    replies.push(redis.hmget(key, ...fields.slice(at, at + READ_CHUNK)));
  // The first failed reply is thrown below; marking each as handled keeps a later one from
  // rejecting unobserved meanwhile.
  for (const reply of replies) reply.catch(() => {});
  for (let c = 0; c < replies.length; c++) {
    const raw = await replies[c]!;
    const at = c * READ_CHUNK;
    raw.forEach((json, i) => {
      if (json !== null) out.set(fields[at + i]!, parse(json));
    });
  }
  return out;
}

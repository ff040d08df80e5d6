/**
 * The real CLI as a child process (bin/playercoach.js), with an environment of the test's own: a
 * private KEY_PREFIX and ENCRYPTION_KEY, so what one test file does in Redis no other can see.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { createSecretBox } from '../../src/crypto.js';
import { keyLayout } from '../../src/store/keys.js';
import { createTenantStore } from '../../src/tenants/tenant-store.js';
import { TEST_REDIS_URL, uniquePrefix } from './redis.js';

const BIN = new URL('../../bin/playercoach.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type CliEnv = Record<string, string>;

/** REDIS_URL, a private KEY_PREFIX and a fresh ENCRYPTION_KEY, plus `extra`. */
export function cliEnv(name: string, extra: CliEnv = {}): CliEnv {
  return {
    PATH: process.env.PATH ?? '',
    REDIS_URL: TEST_REDIS_URL,
    KEY_PREFIX: uniquePrefix(name),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export async function runCli(args: readonly string[], env: CliEnv): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** Runs the CLI, expects exit code 0, and parses its stdout as JSON. */
export async function cliJson<T = Record<string, unknown>>(args: readonly string[], env: CliEnv): Promise<T> {
  const r = await runCli(args, env);
  if (r.code !== 0) throw new Error(`playercoach ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as T;
}

/** Creates a tenant directly in the store the CLI of `env` reads, for tests about other commands. */
export async function seedTenant(env: CliEnv, body: unknown): Promise<void> {
  const redis = new Redis(env.REDIS_URL ?? TEST_REDIS_URL, { maxRetriesPerRequest: null });
  try {
    const tenants = createTenantStore({
      redis,
      keys: keyLayout(env.KEY_PREFIX!),
      box: createSecretBox(Buffer.from(env.ENCRYPTION_KEY!, 'hex')),
      now: Date.now,
    });
    await tenants.create(body);
  } finally {
    await redis.quit();
  }
}

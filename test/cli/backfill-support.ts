/**
 * Running `playercoach backfill` as a child process against an end-to-end setup
 * (test/support/crm-e2e.ts): the environment a CLI user would export for that setup, the child's
 * output and exit code, and a look at the backfill state in Redis while the child runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { type BackfillState, Backfills } from '../../src/store/backfills.js';
import { keyLayout } from '../../src/store/keys.js';
import { type CrmE2E, TENANT } from '../support/crm-e2e.js';

const BIN = new URL('../../bin/playercoach.js', import.meta.url).pathname;

/** What an operator exports to run the CLI against this setup's Redis, key prefix and CRM app. */
export function cliEnv(e2e: CrmE2E): Record<string, string> {
  const c = e2e.config;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    REDIS_URL: c.REDIS_URL,
    KEY_PREFIX: c.KEY_PREFIX,
    ENCRYPTION_KEY: c.ENCRYPTION_KEY.toString('hex'),
    JOB_LOCK_MS: String(c.JOB_LOCK_MS),
    WORKER_CONCURRENCY: '2',
  };
  const optional = {
    SALESFORCE_CLIENT_ID: c.SALESFORCE_CLIENT_ID,
    SALESFORCE_CLIENT_SECRET: c.SALESFORCE_CLIENT_SECRET,
    SALESFORCE_LOGIN_URL: c.SALESFORCE_LOGIN_URL,
    HUBSPOT_CLIENT_ID: c.HUBSPOT_CLIENT_ID,
    HUBSPOT_CLIENT_SECRET: c.HUBSPOT_CLIENT_SECRET,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) env[k] = v;
  return env;
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the child has exited and its output is read. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  stderr(): string;
}

export function spawnCli(args: readonly string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const done = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return { child, done, stderr: () => stderr };
}

export async function runCli(args: readonly string[], env: Record<string, string>) {
  return spawnCli(args, env).done;
}

/** Polls until `ready` holds for what the child has written to stderr; gives up after 60 s. */
export async function untilStderr(run: CliRun, ready: (stderr: string) => boolean): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (!ready(run.stderr())) {
    if (run.child.exitCode !== null) throw new Error(`the CLI exited first: ${run.stderr()}`);
    if (Date.now() > deadline) throw new Error(`not seen on stderr: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return run.stderr();
}

export function backfillsOf(redis: Redis, e2e: CrmE2E): Backfills {
  return new Backfills(redis, keyLayout(e2e.config.KEY_PREFIX).tenant(TENANT));
}

/** Polls the backfill's state in Redis until `done` holds. */
export async function untilState(
  store: Backfills,
  id: string,
  done: (s: BackfillState) => boolean,
): Promise<BackfillState> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const s = await store.get(id);
    if (s !== null && done(s)) return s;
    if (Date.now() > deadline) throw new Error(`backfill ${id} not there: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const startedId = (stderr: string): string | null =>
  /backfill (bf-[a-z0-9-]+) (started|resumed)/.exec(stderr)?.[1] ?? null;

/**
 * Builds the real HTTP app for a test file around real Redis: a unique key prefix, the real tenant
 * store and queues, a clock the test moves, and the log captured into a string so a test can prove
 * that no secret was written.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../../src/config.js';
import { type AppDeps, buildApp } from '../../src/http/app.js';
import { createAppDeps } from '../../src/http/deps.js';
import { createLogger } from '../../src/logger.js';
import { redisReady } from '../../src/redis.js';
import { cleanPrefix, TEST_REDIS_URL, uniquePrefix } from './redis.js';

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  config: Config;
  /** Every secret this app was configured with, for the log check. */
  secrets: string[];
  clock: { now: number };
  /** The log written so far, one JSON line per entry. */
  log(): string;
  close(): Promise<void>;
}

export async function buildTestApp(
  name: string,
  env: Record<string, string> = {},
  extra: Partial<AppDeps> = {},
): Promise<TestApp> {
  const secrets = {
    ADMIN_TOKEN: `admin-${randomBytes(16).toString('hex')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    HUBSPOT_CLIENT_SECRET: `hs-client-secret-${randomBytes(8).toString('hex')}`,
    SALESFORCE_CLIENT_SECRET: `sf-client-secret-${randomBytes(8).toString('hex')}`,
  };
  const config = loadConfig({
    REDIS_URL: TEST_REDIS_URL,
    KEY_PREFIX: uniquePrefix(name),
    PUBLIC_BASE_URL: 'https://pc.example.com',
    HUBSPOT_CLIENT_ID: 'hs-client-id',
    SALESFORCE_CLIENT_ID: 'sf-client-id',
    LOG_LEVEL: 'debug',
    ...secrets,
    ...env,
  });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: config.LOG_LEVEL, destination });
  const clock = { now: Date.parse('2026-03-16T12:00:00Z') };
  const deps: AppDeps = {
    ...createAppDeps(config, { logger, now: () => clock.now, processMetrics: false }),
    ...extra,
  };
  const { redis, queues } = deps;
  await redisReady(redis);
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    config,
    secrets: Object.values(secrets),
    clock,
    log: () => lines.join(''),
    async close() {
      await app.close();
      await queues.close();
      await cleanPrefix(redis, config.KEY_PREFIX);
      await redis.quit();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

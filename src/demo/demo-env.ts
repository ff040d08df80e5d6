/**
 * The environment the demo runs the service with: the caller's Redis, a key prefix of its own
 * (so the demo never touches another install's keys and can remove everything it made), fresh
 * secrets, the sandboxes' app credentials, and a reconcile that stays out of the way.
 */
import { randomBytes } from 'node:crypto';
import { freePort } from '../free-port.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface DemoEnv {
  redisUrl: string;
  keyPrefix: string;
  port: number;
  publicBaseUrl: string;
  /** For `playercoach serve` and `worker`. */
  env: NodeJS.ProcessEnv & { PORT: string; KEY_PREFIX: string; REDIS_URL: string };
}

export function demoKeyPrefix(parent: NodeJS.ProcessEnv): string {
  return `${parent.KEY_PREFIX ?? 'pc'}-demo-${randomBytes(4).toString('hex')}`;
}

export async function demoEnv(
  parent: NodeJS.ProcessEnv,
  keyPrefix: string,
  sandboxEnv: Record<string, string>,
): Promise<DemoEnv> {
  const redisUrl = parent.REDIS_URL ?? DEFAULT_REDIS_URL;
  const port = await freePort();
  const publicBaseUrl = `http://127.0.0.1:${port}`;
  return {
    redisUrl,
    keyPrefix,
    port,
    publicBaseUrl,
    env: {
      ...parent,
      ...sandboxEnv,
      REDIS_URL: redisUrl,
      KEY_PREFIX: keyPrefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      // HubSpot signs the URL it calls: the server checks signatures against this.
      PUBLIC_BASE_URL: publicBaseUrl,
      SERVER_PROCESSES: '1',
      // Another install's metrics port would clash with it (undefined: not passed on).
      WORKER_METRICS_PORT: undefined,
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: '4',
      WRITE_BACK_DELAY_MS: '50',
      // The backfill and the webhooks do the demo's work; a reconcile would only repeat it.
      RECONCILE_EVERY_MS: String(24 * 3600_000),
      RECONCILE_LOOKBACK_MS: '0',
    },
  };
}

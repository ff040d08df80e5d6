/**
 * The environment, parsed once at start by one zod schema. Every missing or invalid variable is
 * named in one combined error, so an operator fixes them all in one go. Nothing else reads
 * process.env: the parsed config is passed down. No secret has a default.
 */
import { z } from 'zod';
import { InputError } from './errors.js';

const url = z.url({ error: 'must be a URL such as https://example.com' });
const secret = (what: string, min: number) =>
  z.string({ error: `is required (${what})` }).min(min, `must be at least ${min} characters (${what})`);

/** 32 bytes for AES-256-GCM, as 64 hex characters or base64. */
const encryptionKey = z
  .string({ error: 'is required (32-byte key: 64 hex characters or base64), e.g. `openssl rand -hex 32`' })
  .transform((s, ctx) => {
    const bytes = /^[0-9a-fA-F]{64}$/.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64');
    if (bytes.length !== 32) {
      ctx.addIssue({
        code: 'custom',
        message: 'must decode to exactly 32 bytes (64 hex characters or base64)',
      });
      return z.NEVER;
    }
    return bytes;
  });

export const configSchema = z.object({
  REDIS_URL: url.default('redis://127.0.0.1:6379'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where CRMs reach this service (webhook and OAuth callback URLs are built from it). */
  PUBLIC_BASE_URL: url.default('http://127.0.0.1:3000'),
  /** Server processes sharing the port (node:cluster); one process uses one core. */
  SERVER_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  ADMIN_TOKEN: secret('bearer token of the admin API and the queue dashboard', 24),
  ENCRYPTION_KEY: encryptionKey,

  SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
  SALESFORCE_LOGIN_URL: url.default('https://login.salesforce.com'),

  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
  HUBSPOT_APP_ID: z.string().min(1).optional(),
  HUBSPOT_BASE_PATH: url.default('https://api.hubapi.com'),
  HUBSPOT_AUTHORIZE_URL: url.default('https://app.hubspot.com/oauth/authorize'),

  /** Key prefix of everything playercoach keeps in Redis; tests give each run its own. */
  KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/i)
    .default('pc'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /** Share of the org's remaining daily API calls a backfill may use before it pauses itself. */
  BACKFILL_BUDGET_SHARE: z.coerce.number().gt(0).max(1).default(0.25),
  RECONCILE_EVERY_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15 * 60_000),
  RECONCILE_LOOKBACK_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60 * 60_000),
  /**
   * Lifetime of a job's lock and of a tenant's lock while not renewed: the work of a worker that
   * died (SIGKILL, a lost machine) is taken up elsewhere after this long.
   */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * Where `playercoach worker` serves GET /metrics (CRM calls and errors, records written: the
   * counters live in the process that does the work). Unset: no listener.
   */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Write-backs wait this long after being asked for, so a burst of changes goes out in one batch. */
  WRITE_BACK_DELAY_MS: z.coerce.number().int().min(0).default(250),
  /** How long a pulled org (users, quotas, rates) is used before the worker pulls it again. */
  ORG_CACHE_TTL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
});

export type Config = z.infer<typeof configSchema>;

/**
 * The CLI's commands that work on tenants (tenant, install, backfill, explain, attainment,
 * snapshot) need Redis, the key prefix, the encryption key and the CRM apps, never the admin token.
 */
export const cliConfigSchema = configSchema.omit({ ADMIN_TOKEN: true });
export type CliConfig = z.infer<typeof cliConfigSchema>;

/** Parses the environment; throws one InputError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  return parseEnv(configSchema, env);
}

/** The CLI's environment: as `loadConfig`, without ADMIN_TOKEN. */
export function loadCliConfig(env: Record<string, string | undefined>): CliConfig {
  return parseEnv(cliConfigSchema, env);
}

function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`);
  throw new InputError([
    `invalid environment (${issues.length} problem${issues.length === 1 ? '' : 's'}):`,
    ...issues,
  ]);
}

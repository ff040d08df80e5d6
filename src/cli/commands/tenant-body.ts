/**
 * The body of `playercoach tenant add`: the same JSON as POST /admin/tenants, read from `--file`
 * or built from flags. Tokens may come from PLAYERCOACH_ACCESS_TOKEN and PLAYERCOACH_REFRESH_TOKEN
 * so they stay out of shell history. Problems are reported with the flag to fix where the body
 * came from flags, and everything is checked before anything is written.
 */
import type { CliConfig } from '../../config.js';
import { parsePolicy } from '../../domain/policy.js';
import { InputError } from '../../errors.js';
import { newTenantSchema } from '../../tenants/tenant-store.js';
import { parseInput } from '../../validate.js';
import { readJsonFile } from '../files.js';

export const ACCESS_TOKEN_ENV = 'PLAYERCOACH_ACCESS_TOKEN';
export const REFRESH_TOKEN_ENV = 'PLAYERCOACH_REFRESH_TOKEN';

export interface TenantFlags {
  file?: string;
  id?: string;
  name?: string;
  kind?: string;
  instanceUrl?: string;
  loginUrl?: string;
  orgId?: string;
  portalId?: string;
  basePath?: string;
  accessToken?: string;
  refreshToken?: string;
  expiresAt?: string;
  policy?: string;
  settings?: string;
  managerMapping?: string;
}

/** Body fields (as zod names them) -> the flag that sets them. */
const FLAG_OF: Record<string, string> = {
  id: '--id',
  name: '--name',
  kind: '--kind',
  'salesforce.instanceUrl': '--instance-url',
  'salesforce.loginUrl': '--login-url',
  'salesforce.orgId': '--org-id',
  'hubspot.portalId': '--portal-id',
  'hubspot.basePath': '--base-path',
  'credentials.accessToken': `--access-token (or ${ACCESS_TOKEN_ENV})`,
  'credentials.refreshToken': `--refresh-token (or ${REFRESH_TOKEN_ENV})`,
  'credentials.expiresAt': '--expires-at',
  policy: '--policy',
  settings: '--settings',
  managerMapping: '--manager-mapping',
};

const BODY_FLAGS: (keyof TenantFlags)[] = [
  'id',
  'name',
  'kind',
  'instanceUrl',
  'loginUrl',
  'orgId',
  'portalId',
  'basePath',
  'accessToken',
  'refreshToken',
  'expiresAt',
  'policy',
  'settings',
  'managerMapping',
];

/** Reads and checks the new tenant's body; throws an InputError naming every problem. */
export async function tenantBody(
  flags: TenantFlags,
  env: Record<string, string | undefined>,
  config: Pick<CliConfig, 'SALESFORCE_LOGIN_URL' | 'HUBSPOT_BASE_PATH'>,
): Promise<unknown> {
  if (flags.file !== undefined) {
    const given = BODY_FLAGS.filter((f) => flags[f] !== undefined).map(flagName);
    if (given.length > 0) {
      throw new InputError(`--file takes the whole tenant; leave out ${given.join(', ')} (or drop --file)`);
    }
    const body = await readJsonFile(flags.file, 'tenant file');
    const parsed = parseInput(newTenantSchema, body, `${flags.file}:`);
    parsePolicy(parsed.policy);
    return body;
  }
  const body = await bodyFromFlags(flags, env, config);
  try {
    parsePolicy(parseInput(newTenantSchema, body, 'tenant').policy);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.issues.map(withFlagNames));
    throw err;
  }
  return body;
}

async function bodyFromFlags(
  flags: TenantFlags,
  env: Record<string, string | undefined>,
  config: Pick<CliConfig, 'SALESFORCE_LOGIN_URL' | 'HUBSPOT_BASE_PATH'>,
): Promise<Record<string, unknown>> {
  const problems: string[] = [];
  for (const f of ['id', 'name', 'kind'] as const) {
    if (flags[f] === undefined)
      problems.push(`${flagName(f)} is required (or give the whole tenant with --file)`);
  }
  const accessToken = flags.accessToken ?? env[ACCESS_TOKEN_ENV];
  const refreshToken = flags.refreshToken ?? env[REFRESH_TOKEN_ENV];
  if (accessToken === undefined) problems.push(`--access-token or ${ACCESS_TOKEN_ENV} is required`);
  const kind = flags.kind;
  const required =
    kind === 'salesforce'
      ? (['instanceUrl', 'orgId'] as const)
      : kind === 'hubspot'
        ? (['portalId'] as const)
        : [];
  for (const f of required) {
    if (flags[f] === undefined) problems.push(`${flagName(f)} is required for a ${kind} tenant`);
  }
  const other: (keyof TenantFlags)[] =
    kind === 'salesforce'
      ? ['portalId', 'basePath']
      : kind === 'hubspot'
        ? ['instanceUrl', 'loginUrl', 'orgId']
        : [];
  for (const f of other) {
    if (flags[f] !== undefined) problems.push(`${flagName(f)} does not apply to a ${kind} tenant`);
  }
  const portalId = flags.portalId === undefined ? undefined : Number(flags.portalId);
  if (portalId !== undefined && !Number.isSafeInteger(portalId)) {
    problems.push(`--portal-id "${flags.portalId}": must be a whole number (the HubSpot portal id)`);
  }
  const expiresAt = flags.expiresAt === undefined ? undefined : parseInstant(flags.expiresAt);
  if (expiresAt === null) {
    problems.push(`--expires-at "${flags.expiresAt}": must be epoch milliseconds or an ISO instant`);
  }
  const files = await readPartFiles(flags, problems);
  if (problems.length > 0) throw new InputError(problems);
  return {
    id: flags.id,
    name: flags.name,
    kind,
    ...(kind === 'salesforce'
      ? {
          salesforce: {
            orgId: flags.orgId,
            instanceUrl: flags.instanceUrl,
            loginUrl: flags.loginUrl ?? config.SALESFORCE_LOGIN_URL,
          },
        }
      : {}),
    ...(kind === 'hubspot'
      ? { hubspot: { portalId, basePath: flags.basePath ?? config.HUBSPOT_BASE_PATH } }
      : {}),
    credentials: {
      accessToken,
      ...(refreshToken !== undefined ? { refreshToken } : {}),
      ...(expiresAt != null ? { expiresAt } : {}),
    },
    ...files,
  };
}

async function readPartFiles(flags: TenantFlags, problems: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [flag, what] of [
    ['policy', 'policy file'],
    ['settings', 'settings file'],
    ['managerMapping', 'manager mapping file'],
  ] as const) {
    const path = flags[flag];
    if (path === undefined) continue;
    try {
      out[flag] = await readJsonFile(path, what);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.issues);
    }
  }
  return out;
}

/** Epoch ms from digits or an ISO instant; null when it is neither. */
function parseInstant(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
}

function flagName(field: keyof TenantFlags): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** "tenant salesforce.orgId: must be ..." -> "--org-id: must be ...". */
function withFlagNames(issue: string): string {
  const m = /^tenant ([^:]+): (.*)$/s.exec(issue);
  if (m === null) return issue;
  const path = m[1]!;
  const key = Object.keys(FLAG_OF)
    .filter((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`))
    .sort((a, b) => b.length - a.length)[0];
  return key === undefined ? issue : `${FLAG_OF[key]}${path.slice(key.length)}: ${m[2]}`;
}

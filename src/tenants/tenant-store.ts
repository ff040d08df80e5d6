/**
 * Tenants in Redis. A tenant record is a HASH with one field per part (policy, manager mapping,
 * settings, credentials, ...), so each update writes its own field atomically and a token refresh
 * cannot undo a concurrent policy change. Credentials and the Salesforce webhook secret are sealed
 * with AES-256-GCM (src/crypto.ts), bound to the tenant and the field.
 *
 * The global indexes (Salesforce org id -> tenant, HubSpot portal id -> tenant) live outside the
 * tenant's hash tag, so on a cluster they cannot share a transaction with the record. Creation
 * therefore writes the record first (only if absent), then claims the index with SET NX and rolls
 * the record back if another live tenant holds it. An index entry naming a tenant that no longer
 * exists (a crash between the steps) is taken over.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { SecretBox } from '../crypto.js';
import { type Policy, parsePolicy } from '../domain/policy.js';
import { PlayercoachError } from '../errors.js';
import type { KeyLayout } from '../store/keys.js';
import { parseInput } from '../validate.js';
import { toSalesforceId18 } from './salesforce-org-id.js';
import {
  credentialsSchema,
  hubspotTenantSchema,
  type ManagerMapping,
  managerMappingSchema,
  salesforceTenantSchema,
  type Tenant,
  type TenantCredentials,
  type TenantSettings,
  tenantIdSchema,
  tenantSchema,
  tenantSettingsSchema,
} from './tenant.js';

/** What creating a tenant takes: the admin API's body, and what the OAuth callbacks build. */
export const newTenantSchema = z
  .strictObject({
    id: tenantIdSchema,
    name: z.string().min(1),
    kind: z.enum(['salesforce', 'hubspot']),
    salesforce: salesforceTenantSchema
      .extend({ webhookSecret: salesforceTenantSchema.shape.webhookSecret.optional() })
      .strict()
      .optional(),
    hubspot: hubspotTenantSchema.strict().optional(),
    credentials: credentialsSchema.strict(),
    policy: z.unknown().optional(),
    managerMapping: managerMappingSchema.optional(),
    settings: tenantSettingsSchema.optional(),
  })
  .superRefine(
    (t, ctx) => {
      if (t.kind !== 'salesforce' && t.kind !== 'hubspot') return;
      const other = t.kind === 'salesforce' ? 'hubspot' : 'salesforce';
      if (!t[t.kind])
        ctx.addIssue({ code: 'custom', path: [t.kind], message: `is required for a ${t.kind} tenant` });
      if (t[other])
        ctx.addIssue({ code: 'custom', path: [other], message: `must be absent for a ${t.kind} tenant` });
    },
    // Also when other fields are bad, so one answer names every problem.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export type NewTenant = z.input<typeof newTenantSchema>;

/** What the Salesforce webhook route needs, in one round trip. */
export interface WebhookAuth {
  orgId: string;
  webhookSecret: string;
}

export interface TenantStore {
  /** Validates and creates; CONFLICT if the id, org or portal is taken. The webhook secret is generated when absent. */
  create(input: unknown): Promise<Tenant>;
  get(id: string): Promise<Tenant | null>;
  /** Like `get`, but a missing tenant is a NOT_FOUND error. */
  require(id: string): Promise<Tenant>;
  list(): Promise<Tenant[]>;
  updatePolicy(id: string, policy: unknown): Promise<Policy>;
  updateManagerMapping(id: string, mapping: unknown): Promise<ManagerMapping>;
  updateSettings(id: string, settings: unknown): Promise<TenantSettings>;
  /**
   * Stores new tokens (the connectors' `onTokens`). A refresh that returns no refresh token keeps the
   * stored one; `expiresAt` always follows the new access token.
   */
  updateCredentials(id: string, tokens: TenantCredentials): Promise<void>;
  /** Removes the record, every key under the tenant's hash tag, and its index entries. False if unknown. */
  delete(id: string): Promise<boolean>;
  webhookAuth(id: string): Promise<WebhookAuth | null>;
  bySalesforceOrg(orgId: string): Promise<string | null>;
  /** Tenant ids of HubSpot portals, in order (null where none). One round trip. */
  byHubSpotPortals(portalIds: readonly number[]): Promise<(string | null)[]>;
}

type Field =
  | 'id'
  | 'name'
  | 'kind'
  | 'salesforce'
  | 'hubspot'
  | 'policy'
  | 'managerMapping'
  | 'settings'
  | 'credentials'
  | 'webhookSecret'
  | 'createdAt'
  | 'updatedAt';

// HSET only when the record exists (updates) or only when it does not (create).
const HSET_IF_EXISTS = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV)) return 1`;
const HSET_IF_ABSENT = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV)) return 1`;
const DEL_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function createTenantStore(deps: {
  redis: Redis;
  keys: KeyLayout;
  box: SecretBox;
  now(): number;
}): TenantStore {
  const { redis, keys, box } = deps;
  const recordKey = (id: string) => keys.tenant(id).record;
  const context = (id: string, field: Field) => `tenant:${id}:${field}`;
  const isoNow = () => new Date(deps.now()).toISOString();

  function serialize(t: Tenant): string[] {
    const { webhookSecret, ...salesforce } = t.salesforce ?? { webhookSecret: undefined };
    const fields: [Field, string | undefined][] = [
      ['id', t.id],
      ['name', t.name],
      ['kind', t.kind],
      ['salesforce', t.salesforce ? JSON.stringify(salesforce) : undefined],
      ['hubspot', t.hubspot ? JSON.stringify(t.hubspot) : undefined],
      ['policy', JSON.stringify(t.policy)],
      ['managerMapping', JSON.stringify(t.managerMapping)],
      ['settings', JSON.stringify(t.settings)],
      ['credentials', box.seal(JSON.stringify(t.credentials), context(t.id, 'credentials'))],
      ['webhookSecret', webhookSecret ? box.seal(webhookSecret, context(t.id, 'webhookSecret')) : undefined],
      ['createdAt', t.createdAt],
      ['updatedAt', t.updatedAt],
    ];
    return fields.flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
  }

  function deserialize(id: string, h: Record<string, string>): Tenant {
    const json = (field: Field) => (h[field] === undefined ? undefined : JSON.parse(h[field]));
    const salesforce = json('salesforce');
    const raw = {
      id: h.id,
      name: h.name,
      kind: h.kind,
      ...(salesforce
        ? {
            salesforce: {
              ...salesforce,
              webhookSecret: h.webhookSecret ? box.open(h.webhookSecret, context(id, 'webhookSecret')) : '',
            },
          }
        : {}),
      ...(h.hubspot ? { hubspot: json('hubspot') } : {}),
      credentials: JSON.parse(box.open(h.credentials ?? '', context(id, 'credentials'))),
      policy: json('policy'),
      managerMapping: json('managerMapping'),
      settings: json('settings'),
      createdAt: h.createdAt,
      updatedAt: h.updatedAt,
    };
    const parsed = tenantSchema.safeParse(raw);
    // A record that no longer parses is corruption, not user input: never echo its contents.
    if (!parsed.success) throw new PlayercoachError('INTERNAL', `tenant record ${id} is invalid`);
    return parsed.data;
  }

  async function get(id: string): Promise<Tenant | null> {
    if (!tenantIdSchema.safeParse(id).success) return null;
    const h = await redis.hgetall(recordKey(id));
    return h.id ? deserialize(id, h) : null;
  }

  async function require(id: string): Promise<Tenant> {
    const t = await get(id);
    if (!t) throw new PlayercoachError('NOT_FOUND', `tenant "${id}" does not exist`);
    return t;
  }

  async function setFields(id: string, fields: [Field, string][]): Promise<void> {
    const args = [...fields, ['updatedAt', isoNow()] as const].flat();
    const ok = await redis.eval(HSET_IF_EXISTS, 1, recordKey(id), ...args);
    if (ok !== 1) throw new PlayercoachError('NOT_FOUND', `tenant "${id}" does not exist`);
  }

  function indexKey(t: Pick<Tenant, 'salesforce' | 'hubspot'>): { key: string; label: string } | null {
    if (t.salesforce) {
      const orgId = toSalesforceId18(t.salesforce.orgId);
      return { key: keys.salesforceOrg(orgId), label: `Salesforce org ${orgId}` };
    }
    if (t.hubspot) {
      return { key: keys.hubspotPortal(t.hubspot.portalId), label: `HubSpot portal ${t.hubspot.portalId}` };
    }
    return null;
  }

  /** Claims the org/portal index for `id`; false if another live tenant holds it. */
  async function claimIndex(key: string, id: string): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await redis.set(key, id, 'NX')) === 'OK') return true;
      const holder = await redis.get(key);
      if (holder === id) return true;
      if (holder !== null && (await redis.exists(recordKey(holder))) === 1) return false;
      // Stale entry from an interrupted create or delete: take it over only if it is unchanged.
      if (holder !== null) await redis.eval(DEL_IF_EQUALS, 1, key, holder);
    }
    return false;
  }

  return {
    get,
    require,

    async create(input) {
      const n = parseInput(newTenantSchema, input, 'tenant');
      const at = isoNow();
      const tenant: Tenant = {
        id: n.id,
        name: n.name,
        kind: n.kind,
        ...(n.salesforce
          ? {
              salesforce: {
                ...n.salesforce,
                orgId: toSalesforceId18(n.salesforce.orgId),
                webhookSecret: n.salesforce.webhookSecret ?? randomBytes(24).toString('base64url'),
              },
            }
          : {}),
        ...(n.hubspot ? { hubspot: n.hubspot } : {}),
        credentials: n.credentials,
        policy: parsePolicy(n.policy),
        managerMapping: n.managerMapping ?? { owners: {}, teams: {} },
        settings: n.settings ?? {},
        createdAt: at,
        updatedAt: at,
      };
      const created = await redis.eval(HSET_IF_ABSENT, 1, recordKey(tenant.id), ...serialize(tenant));
      if (created !== 1) throw new PlayercoachError('CONFLICT', `tenant "${tenant.id}" already exists`);
      const index = indexKey(tenant);
      if (index && !(await claimIndex(index.key, tenant.id))) {
        await redis.del(recordKey(tenant.id));
        const holder = await redis.get(index.key);
        throw new PlayercoachError('CONFLICT', `${index.label} already belongs to tenant "${holder}"`);
      }
      await redis.sadd(keys.tenants, tenant.id);
      return tenant;
    },

    async list() {
      const ids = (await redis.smembers(keys.tenants)).sort();
      const tenants = await Promise.all(ids.map(get));
      return tenants.filter((t): t is Tenant => t !== null);
    },

    async updatePolicy(id, raw) {
      const policy = parsePolicy(raw);
      await setFields(id, [['policy', JSON.stringify(policy)]]);
      return policy;
    },

    async updateManagerMapping(id, raw) {
      const mapping = parseInput(managerMappingSchema, raw, 'manager mapping');
      await setFields(id, [['managerMapping', JSON.stringify(mapping)]]);
      return mapping;
    },

    async updateSettings(id, raw) {
      const settings = parseInput(tenantSettingsSchema, raw, 'settings');
      await setFields(id, [['settings', JSON.stringify(settings)]]);
      return settings;
    },

    async updateCredentials(id, tokens) {
      const next = parseInput(credentialsSchema, tokens, 'credentials');
      const current = await require(id);
      const merged: TenantCredentials = {
        accessToken: next.accessToken,
        ...((next.refreshToken ?? current.credentials.refreshToken)
          ? { refreshToken: next.refreshToken ?? current.credentials.refreshToken }
          : {}),
        ...(next.expiresAt !== undefined ? { expiresAt: next.expiresAt } : {}),
      };
      await setFields(id, [['credentials', box.seal(JSON.stringify(merged), context(id, 'credentials'))]]);
    },

    async delete(id) {
      if (!tenantIdSchema.safeParse(id).success) return false;
      const h = await redis.hgetall(recordKey(id));
      const existed = h.id !== undefined;
      if (existed) {
        const index = indexKey({
          ...(h.salesforce ? { salesforce: JSON.parse(h.salesforce) } : {}),
          ...(h.hubspot ? { hubspot: JSON.parse(h.hubspot) } : {}),
        });
        if (index) await redis.eval(DEL_IF_EQUALS, 1, index.key, id);
      }
      // Every key of the tenant shares its hash tag, so one pattern finds them all (and no other tenant's).
      const pattern = keys.tenant(id).all;
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        if (found.length > 0) await redis.unlink(...found);
        cursor = next;
      } while (cursor !== '0');
      await redis.srem(keys.tenants, id);
      return existed;
    },

    async webhookAuth(id) {
      if (!tenantIdSchema.safeParse(id).success) return null;
      const [salesforce, sealed] = await redis.hmget(recordKey(id), 'salesforce', 'webhookSecret');
      if (!salesforce || !sealed) return null;
      const { orgId } = JSON.parse(salesforce) as { orgId: string };
      return { orgId, webhookSecret: box.open(sealed, context(id, 'webhookSecret')) };
    },

    async bySalesforceOrg(orgId) {
      return redis.get(keys.salesforceOrg(toSalesforceId18(orgId)));
    },

    async byHubSpotPortals(portalIds) {
      // Separate GETs rather than MGET: the index keys carry no common hash tag (cluster-safe), and
      // issued together they still share one round trip.
      return Promise.all(portalIds.map((p) => redis.get(keys.hubspotPortal(p))));
    },
  };
}

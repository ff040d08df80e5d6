// Protects the tenant store on real Redis: secrets sealed at rest, one tenant per org/portal,
// deletion of every key of a tenant and of no other, and updates that touch only their own part.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanPrefix, keysUnder, testRedis, uniquePrefix } from '../../test/support/redis.js';
import { createSecretBox } from '../crypto.js';
import { keyLayout } from '../store/keys.js';
import { toSalesforceId18 } from './salesforce-org-id.js';
import { createTenantStore, type TenantStore } from './tenant-store.js';

const prefix = uniquePrefix('tenant-store');
const keys = keyLayout(prefix);
let redis: Redis;
let store: TenantStore;
let clock = Date.parse('2026-03-01T00:00:00Z');

const sfTenant = (id: string, orgId: string) => ({
  id,
  name: `${id} Inc`,
  kind: 'salesforce',
  salesforce: {
    orgId,
    instanceUrl: 'https://acme.my.salesforce.com',
    loginUrl: 'https://login.salesforce.com',
  },
  credentials: { accessToken: `at-${id}-secret-value`, refreshToken: `rt-${id}-secret-value` },
});
const hsTenant = (id: string, portalId: number) => ({
  id,
  name: `${id} Ltd`,
  kind: 'hubspot',
  hubspot: { portalId, basePath: 'https://api.hubapi.com' },
  credentials: { accessToken: `hs-at-${id}-secret`, refreshToken: `hs-rt-${id}-secret`, expiresAt: 1 },
});

beforeAll(() => {
  redis = testRedis();
  store = createTenantStore({ redis, keys, box: createSecretBox(randomBytes(32)), now: () => clock });
});
afterAll(async () => {
  await cleanPrefix(redis, prefix);
  await redis.quit();
});

describe('toSalesforceId18', () => {
  it('adds the case checksum to a 15-character id and keeps an 18-character one', () => {
    expect(toSalesforceId18('00D000000000062')).toBe('00D000000000062EAA');
    expect(toSalesforceId18('00D000000000062EAA')).toBe('00D000000000062EAA');
    expect(toSalesforceId18('001ABCDEFghijkl')).toBe('001ABCDEFghijklYPA');
  });
});

describe('tenant store', () => {
  it('creates a Salesforce tenant with a generated webhook secret and reads it back', async () => {
    const created = await store.create(sfTenant('acme', '00D000000000062'));
    expect(created.salesforce?.orgId).toBe('00D000000000062EAA');
    expect(created.salesforce?.webhookSecret.length).toBeGreaterThanOrEqual(24);
    expect(created.policy.lookbackDays).toBe(90);
    expect(await store.get('acme')).toEqual(created);
    expect(await store.bySalesforceOrg('00D000000000062')).toBe('acme');
    expect(await store.webhookAuth('acme')).toEqual({
      orgId: '00D000000000062EAA',
      webhookSecret: created.salesforce?.webhookSecret,
    });
  });

  it('keeps tokens and the webhook secret sealed in Redis', async () => {
    const t = await store.require('acme');
    const raw = JSON.stringify(await redis.hgetall(keys.tenant('acme').record));
    for (const secret of ['at-acme-secret-value', 'rt-acme-secret-value', t.salesforce!.webhookSecret]) {
      expect(raw).not.toContain(secret);
    }
    expect(raw).toContain('pc1.');
  });

  it('refuses a second tenant for the same org, or the same id, with CONFLICT and leaves no trace', async () => {
    await expect(store.create(sfTenant('acme-two', '00D000000000062EAA'))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already belongs to tenant "acme"'),
    });
    expect(await store.get('acme-two')).toBeNull();
    await expect(store.create(sfTenant('acme', '00D0000000000AAAAA'))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await store.require('acme')).salesforce?.orgId).toBe('00D000000000062EAA');
  });

  it('indexes HubSpot portals and looks several up at once', async () => {
    await store.create(hsTenant('globex', 4242));
    await expect(store.create(hsTenant('globex-2', 4242))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store.byHubSpotPortals([4242, 999, 4242])).toEqual(['globex', null, 'globex']);
    expect(await store.webhookAuth('globex')).toBeNull();
  });

  it('rejects invalid input naming each bad field, and changes nothing', async () => {
    await expect(
      store.create({ ...sfTenant('Bad Id', 'nope'), kind: 'hubspot', policy: { lookbackDays: -1 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      issues: expect.arrayContaining([
        expect.stringContaining('tenant id'),
        expect.stringContaining('tenant salesforce.orgId'),
        expect.stringContaining('tenant hubspot: is required'),
      ]),
    });
    await expect(
      store.create({ ...hsTenant('initech', 7), policy: { lookbackDays: -1 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      issues: [expect.stringContaining('policy lookbackDays')],
    });
    expect(await store.get('initech')).toBeNull();
    expect(await store.byHubSpotPortals([7])).toEqual([null]);
  });

  it('updates policy, mapping and settings each on its own, and stamps updatedAt', async () => {
    clock += 60_000;
    await store.updatePolicy('globex', { managerLevels: 2 });
    await store.updateManagerMapping('globex', { owners: { o1: 'm1' }, teams: { t1: 'm2' } });
    await store.updateSettings('globex', { timezone: 'Europe/Paris', fiscalYearStartMonth: 2 });
    const t = await store.require('globex');
    expect(t.policy).toMatchObject({ managerLevels: 2, lookbackDays: 90 });
    expect(t.managerMapping).toEqual({ owners: { o1: 'm1' }, teams: { t1: 'm2' } });
    expect(t.settings).toEqual({ timezone: 'Europe/Paris', fiscalYearStartMonth: 2 });
    expect(t.updatedAt).toBe(new Date(clock).toISOString());
    expect(t.credentials.accessToken).toBe('hs-at-globex-secret');
    await expect(store.updateSettings('globex', { timezone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(store.updatePolicy('nobody', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await redis.exists(keys.tenant('nobody').record)).toBe(0);
  });

  it('stores refreshed tokens, keeping the refresh token when the CRM sends none', async () => {
    await store.updateCredentials('acme', { accessToken: 'at-acme-refreshed' });
    expect((await store.require('acme')).credentials).toEqual({
      accessToken: 'at-acme-refreshed',
      refreshToken: 'rt-acme-secret-value',
    });
    await store.updateCredentials('acme', { accessToken: 'a2', refreshToken: 'r2', expiresAt: 5 });
    expect((await store.require('acme')).credentials).toEqual({
      accessToken: 'a2',
      refreshToken: 'r2',
      expiresAt: 5,
    });
  });

  it('refuses a record whose sealed part was moved from another tenant', async () => {
    const acme = await redis.hget(keys.tenant('acme').record, 'credentials');
    await store.create(hsTenant('victim', 31337));
    await redis.hset(keys.tenant('victim').record, 'credentials', acme!);
    await expect(store.get('victim')).rejects.toThrow(/failed authentication/);
    await store.delete('victim');
  });

  it('lists tenants by id', async () => {
    expect((await store.list()).map((t) => t.id)).toEqual(['acme', 'globex']);
  });

  it('deletes every key of a tenant and its index, and nothing of another tenant', async () => {
    const acme = keys.tenant('acme');
    const globex = keys.tenant('globex');
    await redis.hset(acme.ledger, 'd1', '{}');
    await redis.set(acme.dedupe('e1'), '1', 'EX', 60);
    await redis.hset(globex.ledger, 'd2', '{}');
    const globexBefore = await keysUnder(redis, globex.all);

    expect(await store.delete('acme')).toBe(true);
    expect(await keysUnder(redis, acme.all)).toEqual([]);
    expect(await store.bySalesforceOrg('00D000000000062EAA')).toBeNull();
    expect(await keysUnder(redis, globex.all)).toEqual(globexBefore);
    expect((await store.list()).map((t) => t.id)).toEqual(['globex']);
    expect(await store.delete('acme')).toBe(false);
    // The org is free again.
    await store.create(sfTenant('acme-again', '00D000000000062EAA'));
    expect(await store.bySalesforceOrg('00D000000000062')).toBe('acme-again');
  });

  it('takes over an index entry left by an interrupted create', async () => {
    await redis.set(keys.hubspotPortal(555), 'ghost');
    await store.create(hsTenant('initech', 555));
    expect(await store.byHubSpotPortals([555])).toEqual(['initech']);
  });
});

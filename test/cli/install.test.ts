// Protects `playercoach install` run as the real CLI against both sandbox CRMs: the first run
// creates playercoach's fields, objects and permissions, a second creates and updates nothing, and
// a HubSpot portal without custom objects gets the properties and a "skipped" line saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSandbox, startHubSpotSandbox } from '../../connectors/hubspot/sandbox/server.js';
import {
  type SalesforceSandbox,
  startSalesforceSandbox,
} from '../../connectors/salesforce/sandbox/server.js';
import type { InstallReport } from '../../connectors/types.js';
import { type CliEnv, cliEnv, cliJson, runCli, seedTenant } from '../support/cli.js';
import { cleanPrefix, testRedis } from '../support/redis.js';

describe('playercoach install', { timeout: 300_000 }, () => {
  let salesforce: SalesforceSandbox;
  let hubspot: HubSpotSandbox;
  let basic: HubSpotSandbox;
  let env: CliEnv;

  beforeAll(async () => {
    [salesforce, hubspot, basic] = await Promise.all([
      startSalesforceSandbox(),
      startHubSpotSandbox(),
      startHubSpotSandbox({ customObjects: false, portalId: 777 }),
    ]);
    env = cliEnv('cli-install', {
      SALESFORCE_CLIENT_ID: salesforce.clientId,
      SALESFORCE_CLIENT_SECRET: salesforce.clientSecret,
      HUBSPOT_CLIENT_ID: hubspot.clientId,
      HUBSPOT_CLIENT_SECRET: hubspot.clientSecret,
    });
    const sf = salesforce.issueTokens();
    await seedTenant(env, {
      id: 'acme',
      name: 'Acme',
      kind: 'salesforce',
      salesforce: { orgId: salesforce.orgId, instanceUrl: salesforce.url, loginUrl: salesforce.url },
      credentials: { accessToken: sf.accessToken, refreshToken: sf.refreshToken },
    });
    for (const [id, sandbox] of [
      ['globex', hubspot],
      ['basic', basic],
    ] as const) {
      const t = sandbox.issueTokens();
      await seedTenant(env, {
        id,
        name: id,
        kind: 'hubspot',
        hubspot: { portalId: sandbox.portalId, basePath: sandbox.url },
        credentials: { accessToken: t.accessToken, refreshToken: t.refreshToken },
      });
    }
  });

  afterAll(async () => {
    await Promise.all([salesforce?.close(), hubspot?.close(), basic?.close()]);
    const redis = testRedis();
    await cleanPrefix(redis, env.KEY_PREFIX!);
    await redis.quit();
  });

  const install = (tenant: string) => cliJson<InstallReport>(['install', '--tenant', tenant, '--json'], env);

  it('creates everything once on each CRM; a second run creates and updates nothing', async () => {
    const first = await Promise.all(['acme', 'globex', 'basic'].map(install));
    const second = await Promise.all(['acme', 'globex', 'basic'].map(install));
    const [sf1, hs1, basic1] = first;
    expect(sf1!.created).toEqual(
      expect.arrayContaining([
        'CustomObject:PC_Manager_Attainment__c',
        'CustomField:Opportunity.PC_Manager_Involved__c',
        'PermissionSet:Playercoach',
      ]),
    );
    expect(hs1!.created.length).toBeGreaterThan(5);
    expect(basic1!.skipped).toEqual([expect.stringMatching(/custom object/i)]);
    for (let i = 0; i < 3; i++) {
      const a = first[i]!;
      const b = second[i]!;
      expect(b.created).toEqual([]);
      expect(b.updated).toEqual([]);
      expect(b.existing.slice().sort()).toEqual([...a.created, ...a.existing, ...a.updated].sort());
    }
    // The human report says the same.
    const text = await runCli(['install', '--tenant', 'acme'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Already there \(\d+\):/m);
    expect(text.stdout).toMatch(/Nothing to change in acme's CRM/);
  });

  it('says so when the tenant does not exist (exit 1) or the id is malformed (exit 2)', async () => {
    const [missing, malformed] = await Promise.all([
      runCli(['install', '--tenant', 'nobody'], env),
      runCli(['install', '--tenant', 'Nobody!'], env),
    ]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/tenant "nobody" does not exist/),
    });
    expect(malformed).toMatchObject({ code: 2, stderr: expect.stringMatching(/--tenant "Nobody!"/) });
  });
});

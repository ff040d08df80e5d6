// Protects `playercoach tenant add|list|show|set|remove` run as the real CLI: a tenant added from
// flags or from a file is stored and gets its reconcile scheduled, shows masked, takes policy and
// mapping changes, and is removed with every key; bad input exits 2 and changes nothing.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues } from '../../jobs/queues.js';
import { reconcileSchedulerId } from '../../src/service/reconcile.js';
import { keyLayout } from '../../src/store/keys.js';
import { type CliEnv, cliEnv, cliJson, runCli } from '../support/cli.js';
import { cleanPrefix, keysUnder, testRedis } from '../support/redis.js';

const ACCESS = `sf-access-${'a'.repeat(20)}`;
const REFRESH = `sf-refresh-${'r'.repeat(20)}`;
const HS_ACCESS = `hs-access-${'h'.repeat(20)}`;
const ORG_ID = '00D5g000000AbCdEAK';

// Each CLI run starts a Node process; on a busy 2-core machine that takes seconds.
describe('playercoach tenant', { timeout: 300_000 }, () => {
  const redis = testRedis();
  let env: CliEnv;
  let dir: string;
  const file = async (name: string, value: unknown) => {
    const path = join(dir, name);
    await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };
  const scheduler = async (tenant: string) => {
    const queues = createQueues(redis, keyLayout(env.KEY_PREFIX!).queuePrefix);
    try {
      return await queues.queue('reconcile').getJobScheduler(reconcileSchedulerId(tenant));
    } finally {
      await queues.close();
    }
  };
  /** Every key of the prefix with its value: what "nothing changed" is checked against. */
  const state = async () => {
    const out: Record<string, unknown> = {};
    for (const key of await keysUnder(redis, `${env.KEY_PREFIX}:*`)) {
      const type = await redis.type(key);
      out[key] =
        type === 'hash'
          ? await redis.hgetall(key)
          : type === 'set'
            ? (await redis.smembers(key)).sort()
            : type;
    }
    return out;
  };

  beforeAll(async () => {
    env = cliEnv('cli-tenant', { PUBLIC_BASE_URL: 'https://pc.example.com/' });
    dir = tmpdir();
  });
  afterAll(async () => {
    await cleanPrefix(redis, env.KEY_PREFIX!);
    await redis.quit();
  });

  it('adds from flags (tokens from the environment) and from a file, lists, shows masked, sets, removes', async () => {
    const added = await runCli(
      [
        'tenant',
        'add',
        '--id',
        'acme',
        '--name',
        'Acme',
        '--kind',
        'salesforce',
        '--instance-url',
        'https://acme.my.salesforce.com',
        '--org-id',
        ORG_ID,
      ],
      { ...env, PLAYERCOACH_ACCESS_TOKEN: ACCESS, PLAYERCOACH_REFRESH_TOKEN: REFRESH },
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const url = /https:\/\/pc\.example\.com\/webhooks\/salesforce\/acme\/([A-Za-z0-9_-]{24,})/.exec(
      added.stdout,
    );
    expect(url).not.toBeNull();
    expect(added.stdout).not.toContain(ACCESS);
    expect(await scheduler('acme')).toMatchObject({ key: reconcileSchedulerId('acme') });

    const hubspotFile = await file('globex-tenant.json', {
      id: 'globex',
      name: 'Globex',
      kind: 'hubspot',
      hubspot: { portalId: 62515, basePath: 'https://api.hubapi.com' },
      credentials: { accessToken: HS_ACCESS },
      settings: { timezone: 'Europe/Paris' },
    });
    const globex = await cliJson<{ tenant: Record<string, unknown>; webhookUrl?: string }>(
      ['tenant', 'add', '--file', hubspotFile, '--json'],
      env,
    );
    expect(globex.tenant).toMatchObject({
      id: 'globex',
      kind: 'hubspot',
      credentials: { accessToken: '****aaaa'.replace('aaaa', HS_ACCESS.slice(-4)) },
    });
    expect(globex.webhookUrl).toBeUndefined();
    expect(await scheduler('globex')).not.toBeUndefined();

    const listed = await cliJson<{ tenants: { id: string }[] }>(['tenant', 'list', '--json'], env);
    expect(listed.tenants.map((t) => t.id)).toEqual(['acme', 'globex']);
    const table = await runCli(['tenant', 'list'], env);
    expect(table.stdout).toMatch(/^acme\s+Acme\s+salesforce\s+org 00D5g000000AbCdEAK/m);
    expect(table.stdout).toMatch(/^globex\s+Globex\s+hubspot\s+portal 62515/m);

    const shown = await runCli(['tenant', 'show', 'acme', '--json'], env);
    expect(shown.code).toBe(0);
    const acme = JSON.parse(shown.stdout).tenant;
    expect(acme.credentials).toEqual({
      accessToken: `****${ACCESS.slice(-4)}`,
      refreshToken: `****${REFRESH.slice(-4)}`,
    });
    expect(acme.salesforce.webhookSecret).toBe(`****${url![1]!.slice(-4)}`);
    for (const secret of [ACCESS, REFRESH, url![1]!]) expect(shown.stdout).not.toContain(secret);

    const mapping = await file('mapping.json', { owners: { '101': '900' }, teams: { '7': '901' } });
    const policy = await file('policy.json', { lookbackDays: 30, managerLevels: 2 });
    const [setMapping, setPolicy] = await Promise.all([
      cliJson<{ managerMapping: unknown; note: string }>(
        ['tenant', 'set', 'globex', '--manager-mapping', mapping, '--json'],
        env,
      ),
      runCli(['tenant', 'set', 'acme', '--policy', policy], env),
    ]);
    expect(setMapping.managerMapping).toEqual({ owners: { '101': '900' }, teams: { '7': '901' } });
    expect(setMapping.note).toMatch(/backfill/);
    expect(setPolicy.code).toBe(0);
    expect(setPolicy.stdout).toMatch(/playercoach backfill --tenant/);
    const after = await cliJson<{ tenant: { policy: Record<string, unknown> } }>(
      ['tenant', 'show', 'acme', '--json'],
      env,
    );
    expect(after.tenant.policy).toMatchObject({ lookbackDays: 30, managerLevels: 2, minActivities: 1 });

    const refused = await runCli(['tenant', 'remove', 'acme'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    const removed = await runCli(['tenant', 'remove', 'acme', '--yes'], env);
    expect(removed.code).toBe(0);
    expect(await keysUnder(redis, `${env.KEY_PREFIX}:{acme}*`)).toEqual([]);
    expect(await scheduler('acme')).toBeUndefined();
    expect(await redis.smembers(keyLayout(env.KEY_PREFIX!).tenants)).toEqual(['globex']);
    const again = await runCli(['tenant', 'remove', 'acme', '--yes'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/tenant "acme" does not exist/);
  });

  it('refuses bad input with exit code 2, naming the flag or field, and changes nothing', async () => {
    await cliJson(
      [
        'tenant',
        'add',
        '--id',
        'initech',
        '--name',
        'Initech',
        '--kind',
        'salesforce',
        '--instance-url',
        'https://initech.my.salesforce.com',
        '--org-id',
        '00D5g000000XyZaEAK',
        '--access-token',
        ACCESS,
        '--json',
      ],
      env,
    );
    const before = await state();
    const goodPolicy = await file('good-policy.json', { lookbackDays: 10 });
    const badPolicy = await file('bad-policy.json', { lookbackDays: -1, colour: 'red' });
    const badSettings = await file('bad-settings.json', { timezone: 'Mars/Olympus' });
    const notJson = await file('not-json.json', '{"id": 1,}');
    const mapping = await file('mapping2.json', { owners: {}, teams: {} });
    const cases: [string[], RegExp][] = [
      [
        ['tenant', 'add', '--id', 'x1', '--kind', 'salesforce', '--org-id', '00D1'],
        /--name is required[\s\S]*--access-token or PLAYERCOACH_ACCESS_TOKEN is required[\s\S]*--instance-url is required/,
      ],
      [
        [
          'tenant',
          'add',
          '--id',
          'x2',
          '--name',
          'X',
          '--kind',
          'salesforce',
          '--instance-url',
          'nope',
          '--org-id',
          '00D1',
          '--access-token',
          't',
        ],
        /--org-id: must be a Salesforce organization id[\s\S]*--instance-url/,
      ],
      [['tenant', 'add', '--id', 'x3', '--name', 'X', '--kind', 'zoho', '--access-token', 't'], /--kind/],
      [
        [
          'tenant',
          'add',
          '--id',
          'x4',
          '--name',
          'X',
          '--kind',
          'hubspot',
          '--portal-id',
          'abc',
          '--access-token',
          't',
        ],
        /--portal-id "abc": must be a whole number/,
      ],
      [['tenant', 'add', '--file', notJson], /not valid JSON/],
      [
        ['tenant', 'add', '--file', goodPolicy, '--id', 'x5'],
        /--file takes the whole tenant; leave out --id/,
      ],
      [
        [
          'tenant',
          'add',
          '--id',
          'Bad_Id',
          '--name',
          'X',
          '--kind',
          'hubspot',
          '--portal-id',
          '5',
          '--access-token',
          't',
        ],
        /--id: must be 2-63 characters/,
      ],
      [
        ['tenant', 'set', 'initech', '--policy', badPolicy],
        /bad-policy\.json: policy lookbackDays[\s\S]*colour/,
      ],
      [
        ['tenant', 'set', 'initech', '--policy', goodPolicy, '--settings', badSettings],
        /settings timezone: must be an IANA time zone/,
      ],
      [['tenant', 'set', 'initech', '--manager-mapping', mapping], /applies to HubSpot tenants only/],
      [['tenant', 'set', 'initech'], /say what to set/],
      [['tenant', 'show', 'No Such'], /tenant "No Such": must be 2-63/],
      [['tenant', 'remove', 'initech'], /Run again with --yes/],
      [['tenant', 'add', '--nope'], /unknown option '--nope'/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, env)));
    results.forEach((r, i) => {
      expect({ args: cases[i]![0], code: r.code }).toEqual({ args: cases[i]![0], code: 2 });
      expect(r.stderr).toMatch(cases[i]![1]);
    });
    expect(await state()).toEqual(before);
  });
});

// Protects `playercoach sandbox`: with --json it prints one document whose URLs answer with the
// credentials it printed (the generated deals are there, in both CRMs), it exits 0 on SIGTERM,
// the apps take their client credentials from the environment when set, and it refuses a bad
// flag with exit code 2.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SALESFORCE_API_VERSION } from '../connectors/salesforce/api-version.js';
import type { SandboxInfo } from '../src/demo/sandboxes.js';
import { waitForLine } from './support/child.js';

const BIN = new URL('../bin/playercoach.js', import.meta.url).pathname;

function sandbox(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [BIN, 'sandbox', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('playercoach sandbox', () => {
  it('--json prints URLs and credentials that work, and SIGTERM exits 0', async () => {
    // The apps take the credentials a server's environment holds (docker compose shares one .env).
    const child = sandbox(['--json', '--deals', '40', '--seed', '3'], {
      SALESFORCE_CLIENT_SECRET: 'compose-salesforce-secret',
      HUBSPOT_CLIENT_ID: 'compose-hubspot-id',
    });
    try {
      const info = JSON.parse(await waitForLine(child, /^\{/)) as SandboxInfo & {
        tenants: {
          salesforce: { salesforce: { orgId: string } };
          hubspot: { hubspot: { portalId: number } };
        };
      };
      expect(info.org).toMatchObject({ deals: 40, seed: 3 });
      expect(info.salesforce.clientSecret).toBe('compose-salesforce-secret');
      expect(info.hubspot.clientId).toBe('compose-hubspot-id');
      expect(info.tenants.salesforce.salesforce.orgId).toBe(info.salesforce.orgId);
      expect(info.tenants.hubspot.hubspot.portalId).toBe(info.hubspot.portalId);
      expect(info.env).toMatchObject({
        SALESFORCE_CLIENT_ID: info.salesforce.clientId,
        SALESFORCE_LOGIN_URL: info.salesforce.url,
        HUBSPOT_BASE_PATH: info.hubspot.url,
      });

      const sf = await fetch(
        `${info.salesforce.url}/services/data/v${SALESFORCE_API_VERSION}/query?q=${encodeURIComponent('SELECT Id FROM Opportunity')}`,
        { headers: { authorization: `Bearer ${info.salesforce.accessToken}` } },
      );
      expect(sf.status).toBe(200);
      expect(((await sf.json()) as { totalSize: number }).totalSize).toBe(40);

      const hs = await fetch(`${info.hubspot.url}/crm/v3/objects/deals?limit=100`, {
        headers: { authorization: `Bearer ${info.hubspot.accessToken}` },
      });
      expect(hs.status).toBe(200);
      expect(((await hs.json()) as { results: unknown[] }).results).toHaveLength(40);
      // A token the sandbox never issued is refused: the printed one is what made the calls work.
      const refused = await fetch(`${info.hubspot.url}/crm/v3/objects/deals?limit=1`, {
        headers: { authorization: 'Bearer not-a-token' },
      });
      expect(refused.status).toBe(401);

      const exited = once(child, 'close');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
      await expect(fetch(info.salesforce.url)).rejects.toThrow();
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 on a bad flag, naming it', async () => {
    const child = sandbox(['--deals', 'many', '--salesforce-port', '70000']);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, 'close');
    expect(code).toBe(2);
    expect(stderr).toContain('--deals: must be a whole number');
    expect(stderr).toContain('--salesforce-port: must be a whole number from 0 to 65535');
  });
});

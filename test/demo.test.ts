// Protects `npm run demo` (`playercoach demo`), the README's main command: it runs end to end on
// its own and exits 0, the manager on the closed deal's meeting moves in the attainment table read
// back from each CRM, its server and worker stop cleanly, and it leaves no Redis key behind. With
// Redis unreachable it says what to do and exits 1 without a stack trace.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/free-port.js';
import { keysUnder, testRedis, uniquePrefix } from './support/redis.js';

const BIN = new URL('../bin/playercoach.js', import.meta.url).pathname;

async function runDemo(env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'demo'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const [code] = await once(child, 'close');
  return { code: code as number, stdout, stderr };
}

/** The table rows printed under a step's "<CRM>:" heading, keyed by manager name. */
function tableOf(section: string, crm: string): Map<string, string> {
  const lines = section.split('\n').map((l) => l.trim());
  const start = lines.indexOf(`${crm}:`);
  const rows = new Map<string, string>();
  // Heading, header, rule, then rows until a blank line or the next heading.
  for (const line of lines.slice(start + 3)) {
    if (line === '' || line.endsWith(':')) break;
    rows.set(line.split(/\s{2,}/)[0]!, line);
  }
  return rows;
}

describe('npm run demo', () => {
  const redis = testRedis();
  afterAll(() => redis.quit());

  it('runs end to end, exits 0, shows the moved manager and cleans up after itself', async () => {
    const prefix = uniquePrefix('demo');
    const { code, stdout, stderr } = await runDemo({ KEY_PREFIX: prefix });
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const before = stdout.slice(
      stdout.indexOf('before, read from the CRM fields'),
      stdout.indexOf('closes a deal'),
    );
    const after = stdout.slice(stdout.indexOf('after, read back from the CRM fields'));
    for (const crm of ['Salesforce', 'HubSpot']) {
      const moved = [...tableOf(after, crm)].filter(([, line]) => line.includes('<- moved'));
      expect(moved).toHaveLength(1);
      const [manager, line] = moved[0]!;
      // The credited figure on the moved row differs from the one printed before.
      const credited = (row: string) => row.split(/\s{2,}/)[2];
      expect(credited(line)).not.toBe(credited(tableOf(before, crm).get(manager)!));
      expect(line).toMatch(/<- moved: \+[\d,]+\.\d\d credited, \+\d+\.\d\d pts/);
      // The same manager is the one the rep invited to the buyer meeting.
      expect(stdout).toMatch(new RegExp(`${crm} +.* logged a meeting with ${manager} \\(accepted\\)`));
    }
    expect(stdout).toMatch(/Done in \d+ s\./);

    // The server and the worker were stopped with SIGTERM and shut down cleanly.
    const logDir = /Logs of the server and the worker: (\S+)/.exec(stdout)![1]!;
    expect(readFileSync(join(logDir, 'worker.log'), 'utf8')).toContain('"msg":"worker closed"');
    // Every key the demo made is gone: its own prefix sits under the one it was given.
    expect(await keysUnder(redis, `${prefix}*`)).toEqual([]);
    expect(await keysUnder(redis, `{${prefix}*`)).toEqual([]);
  }, 240_000);

  it('with Redis unreachable, says what to do and exits 1 without a stack trace', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await runDemo({ REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`Redis is not reachable at redis://127.0.0.1:${port}`);
    expect(stderr).toContain('`redis-server`');
    expect(stderr).toContain('`docker compose up -d redis`');
    expect(stderr).toContain('REDIS_URL');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

// Protects `playercoach generate` as users run it: the real CLI in a child process writes a valid
// snapshot to stdout or a file, and refuses bad flags with exit code 2 without writing anything.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../src/domain/policy.js';
import { parseSnapshot } from '../src/domain/snapshot.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'playercoach.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'playercoach-generate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('playercoach generate', () => {
  it('prints a valid snapshot to stdout, the same for the same seed', async () => {
    const first = await run(['generate', '--deals', '30', '--seed', '4']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const org = parseSnapshot(JSON.parse(first.stdout));
    expect(org.deals).toHaveLength(30);
    const second = await run(['generate', '--deals', '30', '--seed', '4']);
    expect(second.stdout).toBe(first.stdout);
  });

  it('writes the file given by --out, honouring --as-of', async () => {
    const out = join(dir, 'org.json');
    const result = await run(['generate', '--deals', '25', '--as-of', '2026-05-31', '--out', out]);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    const org = parseSnapshot(JSON.parse(await readFile(out, 'utf8')));
    expect(org.deals.every((d) => d.closeDate <= '2026-05-31')).toBe(true);
    expect(await readdir(dir)).toEqual(['org.json']);
  });

  it('makes examples/acme-org.json exactly as the README says, and the example policy is valid', async () => {
    const examples = join(import.meta.dirname, '..', 'examples');
    const result = await run(['generate', '--deals', '40', '--seed', '7']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(await readFile(join(examples, 'acme-org.json'), 'utf8'));
    const policy = parsePolicy(JSON.parse(await readFile(join(examples, 'policy.json'), 'utf8')));
    expect(policy).toMatchObject({ lookbackDays: 60, managerLevels: 2 });
  });

  it.each([
    [['--deals', '0'], /--deals: must be a positive whole number, not "0"/],
    [['--deals', 'ten'], /--deals: must be a positive whole number, not "ten"/],
    [['--deals', '2.5'], /--deals/],
    [['--deals', '10', '--seed', '-3'], /--seed/],
    [['--deals', '10', '--as-of', '2026-02-30'], /--as-of: must be a date YYYY-MM-DD/],
    [['--deals', '10', '--activities-per-deal', 'many'], /--activities-per-deal/],
    [[], /required option '--deals <n>'/],
  ])('refuses %j with exit code 2 and writes nothing', async (flags, message) => {
    const out = join(dir, 'refused.json');
    const result = await run(['generate', ...flags, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect((await readdir(dir)).filter((f) => f.startsWith('refused'))).toEqual([]);
  });
});

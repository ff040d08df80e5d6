// Protects `playercoach compute` as a user runs it: the real CLI in a child process, its stdout,
// stderr and exit code, and that invalid input writes nothing, not even with --out.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(ROOT, 'test/fixtures/design-example.json');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/playercoach.js'), ...args],
      { cwd: ROOT },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pc-compute-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

async function example(): Promise<Record<string, unknown> & { deals: Record<string, unknown>[] }> {
  return JSON.parse(await readFile(EXAMPLE, 'utf8'));
}

describe('playercoach compute', () => {
  it('prints the JSON of DESIGN.md for its example org', async () => {
    const run = await cli('compute', '--snapshot', EXAMPLE);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    // The expected file holds DESIGN.md's output block, verbatim, as the CLI prints it.
    expect(run.stdout).toBe(await readFile(join(ROOT, 'test/fixtures/design-example.expected.json'), 'utf8'));
  });

  it('applies a policy file and writes to --out', async () => {
    const policy = await file('policy.json', { managerLevels: 2, creditBasis: 'splits' });
    const out = join(dir, 'result.json');
    const run = await cli('compute', '--snapshot', EXAMPLE, '--policy', policy, '--out', out);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    const result = JSON.parse(await readFile(out, 'utf8'));
    expect(result.decisions.map((d: { managerId: string; level: number }) => [d.managerId, d.level])).toEqual(
      [['005M1', 1]],
    );
  });

  it('refuses a snapshot with bad records, naming each record and field, and writes nothing', async () => {
    const raw = await example();
    raw.deals[0]!.currency = 'GBP';
    raw.deals[0]!.ownerId = '005XX';
    raw.quotas = [{ managerId: '005M1', period: 'FY2026-Q1', amount: '1', currency: 'EUR' }];
    const path = await file('bad-refs.json', raw);
    const out = join(dir, 'never.json');
    const run = await cli('compute', '--snapshot', path, '--out', out);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        `error: ${path}: deals[0] (id "006D1").ownerId: "005XX" names no user`,
        `${path}: deals[0] (id "006D1").currency: no conversion rate for GBP in rates`,
        `${path}: quotas[0].currency: quotas must be in the corporate currency USD, not EUR`,
        '',
      ].join('\n'),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a JSON number as an amount', async () => {
    const raw = await example();
    raw.deals[0]!.amount = 12000.5;
    const run = await cli('compute', '--snapshot', await file('number.json', raw));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: .*number\.json: deals\[0\] \(id "006D1"\)\.amount: must be a decimal string/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses bad JSON with its line and column, a missing file and an --out it cannot write', async () => {
    const bad = await file('bad.json', '{\n  "version": 1,\n  "tenant" "acme"\n}\n');
    const unwritable = join(dir, 'no-such-dir', 'out.json');
    const [syntax, missing, cannotWrite] = await Promise.all([
      cli('compute', '--snapshot', bad),
      cli('compute', '--snapshot', join(dir, 'missing.json')),
      cli('compute', '--snapshot', EXAMPLE, '--out', unwritable),
    ]);
    expect(cannotWrite.code).toBe(2);
    expect(cannotWrite.stderr).toMatch(/^error: --out .*out\.json: cannot write/);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/^error: snapshot .*bad\.json: not valid JSON \(line 3, column 12\): /);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: snapshot ${join(dir, 'missing.json')}: no such file\n`,
    });
  });

  it('refuses a policy with an unknown field or a bad value', async () => {
    const policy = await file('bad-policy.json', { managerLevels: 3, bonus: true });
    const run = await cli('compute', '--snapshot', EXAMPLE, '--policy', policy);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('managerLevels');
    expect(run.stderr).toContain('bonus');
  });

  it('explains itself with --help, and a missing --snapshot is a usage error', async () => {
    const [help, top, usage] = await Promise.all([cli('compute', '--help'), cli('--help'), cli('compute')]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--snapshot <file>');
    expect(help.stdout).toContain('--policy <file>');
    expect(help.stdout).toContain('--out <file>');
    expect(top.stdout).toMatch(/compute \[options\]/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--snapshot <file>' not specified");
  });
});

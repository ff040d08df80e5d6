// Protects docker-compose.yml: Compose accepts it (`docker-compose config -q`, where the binary is
// installed; there is no Docker engine in CI, this only checks the file), it holds Redis with the
// append-only file and noeviction, the server and the worker, and the sandbox only under the
// `sandbox` profile; and the image's entry point is the CLI the README shows.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const FILE = `${ROOT}docker-compose.yml`;

/**
 * Each service of a compose file with its top-level keys and its `profiles`, read by
 * indentation: enough for this file's block style, without a YAML dependency.
 */
function servicesOf(text: string): Map<string, { keys: string[]; profiles: string[] }> {
  const lines = text.split('\n');
  const start = lines.indexOf('services:');
  const services = new Map<string, { keys: string[]; profiles: string[] }>();
  let current: { keys: string[]; profiles: string[] } | null = null;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const service = /^ {2}([a-z][\w-]*):\s*$/.exec(line);
    if (service) {
      current = { keys: [], profiles: [] };
      services.set(service[1]!, current);
      continue;
    }
    const key = /^ {4}([a-z_]+):\s*(.*)$/.exec(line);
    if (key && current) {
      current.keys.push(key[1]!);
      if (key[1] === 'profiles')
        current.profiles = key[2]!
          .replace(/[[\]\s]/g, '')
          .split(',')
          .filter(Boolean);
    }
  }
  return services;
}

const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

describe('docker-compose.yml', () => {
  it('holds redis, server and worker, and the sandbox only under the sandbox profile', () => {
    const text = readFileSync(FILE, 'utf8');
    const services = servicesOf(text);
    expect([...services.keys()].sort()).toEqual(['redis', 'sandbox', 'server', 'worker']);
    expect(services.get('sandbox')!.profiles).toEqual(['sandbox']);
    for (const name of ['redis', 'server', 'worker']) expect(services.get(name)!.profiles).toEqual([]);
    for (const name of ['server', 'worker', 'sandbox']) {
      expect(services.get(name)!.keys).toEqual(expect.arrayContaining(['build', 'image', 'command']));
    }
    expect(text).toContain('"--appendonly", "yes"');
    expect(text).toContain('"--maxmemory-policy", "noeviction"');
    expect(text).toMatch(/command: \["serve"\]/);
    expect(text).toMatch(/command: \["worker"\]/);
    expect(readFileSync(`${ROOT}Dockerfile`, 'utf8')).toContain('ENTRYPOINT ["node", "bin/playercoach.js"]');
  });

  // Where the binary is missing the structural check above stands alone (no skipped test).
  it(`is accepted by docker-compose config${hasCompose ? '' : ' (binary missing: structure only)'}`, () => {
    if (!hasCompose) {
      expect(servicesOf(readFileSync(FILE, 'utf8')).size).toBe(4);
      return;
    }
    for (const args of [[], ['--profile', 'sandbox']]) {
      const check = spawnSync('docker-compose', ['-f', FILE, ...args, 'config', '-q'], {
        encoding: 'utf8',
        cwd: ROOT,
      });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    }
    const services = spawnSync(
      'docker-compose',
      ['-f', FILE, '--profile', 'sandbox', 'config', '--services'],
      {
        encoding: 'utf8',
        cwd: ROOT,
      },
    );
    expect(services.stdout.trim().split('\n').sort()).toEqual(['redis', 'sandbox', 'server', 'worker']);
  });
});

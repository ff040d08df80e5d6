// Protects README.md from drifting away from the code: every `playercoach ...` and `npm run ...`
// line in its shell blocks names a command (or script) that exists, uses only flags that command
// has, and is run by a test listed below, whose file holds the command and every flag shown.
// A README that gains a command nobody tests fails here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandModules } from '../src/cli/commands/index.js';
import { buildProgram } from '../src/cli/program.js';
import {
  type CheckContext,
  type Coverage,
  checkReadmeCommands,
  readmeCommands,
} from './support/readme-commands.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Each README command and the test that runs it: one of `files` must contain `needle` (the way
 * that test spells the command) and every flag the README shows with it.
 */
const COVERAGE: Record<string, Coverage> = {
  'playercoach generate': { files: ['test/generate-cli.test.ts'], needle: "'generate'" },
  'playercoach compute': { files: ['test/cli-compute.test.ts'], needle: "cli('compute'" },
  'playercoach serve': { files: ['test/server.test.ts'], needle: "[BIN, 'serve']" },
  'playercoach worker': { files: ['test/worker-cli.test.ts'], needle: "[BIN, 'worker'" },
  'npm run demo': {
    files: ['test/demo.test.ts'],
    needle: "[BIN, 'demo']",
    script: 'node bin/playercoach.js demo',
  },
  'playercoach sandbox': { files: ['test/sandbox-cli.test.ts'], needle: "[BIN, 'sandbox'" },
  'playercoach tenant add': { files: ['test/cli/tenant.test.ts'], needle: "'add'," },
  'playercoach tenant list': { files: ['test/cli/tenant.test.ts'], needle: "['tenant', 'list']" },
  'playercoach tenant show': { files: ['test/cli/tenant.test.ts'], needle: "['tenant', 'show'" },
  'playercoach tenant set': { files: ['test/cli/tenant.test.ts'], needle: "['tenant', 'set'" },
  'playercoach backfill': { files: ['test/cli/backfill.test.ts'], needle: "runCli(['backfill'" },
  'playercoach install': { files: ['test/cli/install.test.ts'], needle: "['install', '--tenant'" },
  'playercoach attainment': { files: ['test/cli/pipeline.test.ts'], needle: "['attainment', '--tenant'" },
  'playercoach explain': { files: ['test/cli/pipeline.test.ts'], needle: "['explain', '--tenant'" },
  'playercoach snapshot export': { files: ['test/cli/pipeline.test.ts'], needle: "'export'," },
};

/** What the README may show that no test runs, and why. */
const UNTESTED: Record<string, string> = {
  'npm run test': 'it is the test suite itself',
  'npm run bench:engine': 'a benchmark: minutes at its fixed sizes, run by hand for the figures shown',
  'npm run bench:generate': 'a benchmark, run by hand for the figures shown',
  'npm run bench:salesforce-backfill': 'a benchmark, run by hand for the figures shown',
  'npm run bench:hubspot-backfill': 'a benchmark, run by hand for the figures shown',
  'npm run bench:webhooks': 'a benchmark, run by hand for the figures shown',
  'npm run bench:backfill-e2e': 'a benchmark: a 100k-deal backfill, run by hand for the figures shown',
};

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<
  string,
  string
>;
const read = (path: string) => (existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : null);

function context(overrides: Partial<CheckContext> = {}): CheckContext {
  return {
    program: buildProgram(commandModules),
    scripts,
    coverage: COVERAGE,
    untested: UNTESTED,
    read,
    ...overrides,
  };
}

describe('README.md commands', () => {
  it('opens with the two commands a newcomer runs after cloning', () => {
    const visible = readme.replace(/<!--[\s\S]*?-->/g, '');
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(visible)?.[1] ?? '';
    expect(firstBlock).toContain('npm ci && npm run demo');
    expect(firstBlock).toContain('npm ci && npm test');
    // The first lines of the README, before any section: the reader sees them without scrolling.
    expect(visible.indexOf(firstBlock)).toBeLessThan(visible.indexOf('\n## '));
  });

  it('names only commands, flags and scripts that exist, each run by a listed test', () => {
    const commands = readmeCommands(readme, context().program);
    expect(commands.length).toBeGreaterThan(5);
    expect(checkReadmeCommands(commands, context())).toEqual([]);
  });

  it('leaves out no bench script of package.json: the untested list names only benchmarks and the suite', () => {
    const benches = Object.keys(scripts).filter((s) => s.startsWith('bench:'));
    for (const b of benches) expect(Object.keys(UNTESTED)).toContain(`npm run ${b}`);
    for (const key of Object.keys(UNTESTED)) expect(key).toMatch(/^npm run (test|bench:[\w-]+)$/);
  });

  it('finds what is wrong in a README that drifted', () => {
    const drifted = [
      '# x',
      '<!-- ```sh',
      'playercoach hidden-in-a-comment',
      '``` -->',
      '```sh',
      'npx playercoach compute --snapshot org.json --nope # a flag compute does not have',
      'npx playercoach frobnicate --tenant acme',
      'docker compose up -d redis && npx playercoach worker \\',
      '  --queues backfill',
      'npm run no-such-script',
      '```',
      '```json',
      '{"playercoach": "not a command"}',
      '```',
    ].join('\n');
    const ctx = context({
      coverage: { 'playercoach compute': COVERAGE['playercoach compute'] as Coverage },
    });
    const commands = readmeCommands(drifted, ctx.program);
    expect(commands.map((c) => c.key)).toEqual([
      'playercoach compute',
      'playercoach frobnicate',
      'playercoach worker',
      'npm run no-such-script',
    ]);
    expect(checkReadmeCommands(commands, ctx)).toEqual([
      '"npx playercoach compute --snapshot org.json --nope": "playercoach compute" has no option --nope',
      '"npx playercoach frobnicate --tenant acme": playercoach has no command "frobnicate"',
      '"docker compose up -d redis && npx playercoach worker --queues backfill": no test runs "playercoach worker"; add one and list it in the coverage table',
      '"npm run no-such-script": package.json has no script "no-such-script"',
    ]);
  });

  it('notices a test that stopped using a flag the README shows, a script that changed, and a stale table entry', () => {
    const ctx = context({
      coverage: {
        'playercoach compute': { files: ['test/cli-compute.test.ts'], needle: "cli('compute'" },
        'playercoach generate': { files: ['test/no-such.test.ts'], needle: 'x' },
        'npm run demo': {
          files: ['test/demo.test.ts'],
          needle: 'demo',
          script: 'node bin/playercoach.js demo',
        },
      },
      scripts: { demo: 'node bin/playercoach.js demo --deals 5' },
    });
    const commands = readmeCommands(
      '```sh\nplayercoach compute --snapshot a.json --help\nnpm run demo\n```\n',
      ctx.program,
    );
    const read = () => "cli('compute', '--help') demo";
    expect(checkReadmeCommands(commands, { ...ctx, read })).toEqual([
      '"playercoach compute --snapshot a.json --help": no test of "playercoach compute" (test/cli-compute.test.ts) uses --snapshot',
      `coverage table: package.json's "demo" is "node bin/playercoach.js demo --deals 5", not "node bin/playercoach.js demo" that the test runs`,
      'coverage table: README.md no longer shows "playercoach generate"; remove its entry',
    ]);
  });
});

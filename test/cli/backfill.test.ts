// Protects `playercoach backfill` as ops run it: the real CLI in a child process (with its own
// worker), real Redis under a private prefix, the Salesforce sandbox over HTTP. A dry run writes
// nothing and its diff is exactly what the real run then writes; Ctrl-C pauses and prints the
// resume command, and --resume ends in the CRM state of a run straight through; output without
// a terminal is plain progress lines; bad input exits 2 with nothing started.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DryRunDiff } from '../../jobs/backfill-diff.js';
import type { BackfillState } from '../../src/store/backfills.js';
import { type CrmE2E, type CrmFields, startCrmE2E } from '../support/crm-e2e.js';
import { testRedis } from '../support/redis.js';
import {
  backfillsOf,
  cliEnv,
  runCli,
  spawnCli,
  startedId,
  untilState,
  untilStderr,
} from './backfill-support.js';

const RANGE = { from: '2025-01-01', to: '2026-12-31' };
const DEALS = 240;
const RANGE_FLAGS = ['--tenant', 'acme', '--from', RANGE.from, '--to', RANGE.to];
// Small pages, so an interrupt lands between the first and the last.
const PAGE_FLAGS = ['--page-size', '20'];

interface JsonOutcome {
  backfill: BackfillState & { diff: DryRunDiff | null };
  dealsTotal: number | null;
  resumeCommand: string | null;
}

/** The records whose playercoach fields a run changed, with their values after it. */
function changedBetween(before: CrmFields, after: CrmFields) {
  const changed = <T>(b: Record<string, T>, a: Record<string, T>) =>
    Object.fromEntries(Object.entries(a).filter(([k, v]) => JSON.stringify(b[k]) !== JSON.stringify(v)));
  return {
    deals: changed(before.deals, after.deals),
    attainment: changed(before.attainment, after.attainment),
  };
}

describe('playercoach backfill against the Salesforce sandbox', () => {
  let straight: CrmE2E;
  let interrupted: CrmE2E;
  let redis: Redis;
  beforeAll(async () => {
    // Two copies of one generated org: one backfilled straight through, one interrupted.
    [straight, interrupted] = await Promise.all([
      startCrmE2E({ provider: 'salesforce', deals: DEALS }),
      startCrmE2E({ provider: 'salesforce', deals: DEALS }),
    ]);
    redis = testRedis();
  });
  afterAll(async () => {
    await Promise.all([straight?.close(), interrupted?.close()]);
    await redis?.quit();
  });

  it('refuses bad input with exit code 2 and starts nothing', async () => {
    // One case per layer: the flags (src/cli/backfill/flags.test.ts has the rest), the tenant, the backfill id.
    const env = cliEnv(straight);
    const cases: [string[], RegExp][] = [
      [
        ['--tenant', 'acme', '--from', '2026-13-01', '--to', '2026-02-01'],
        /--from: "2026-13-01" is not a date/,
      ],
      [['--tenant', 'nobody', ...RANGE_FLAGS.slice(2)], /--tenant: there is no tenant "nobody"/],
      [['--tenant', 'acme', '--resume', 'bf-20260101000000-abcdef'], /--resume: tenant acme has no backfill/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(['backfill', ...args], env)));
    cases.forEach(([args, message], i) => {
      expect({ args, code: runs[i]!.code }).toEqual({ args, code: 2 });
      expect(runs[i]!.stderr).toMatch(message);
    });
    expect(await backfillsOf(redis, straight).list()).toEqual([]);
    expect(await straight.server.deps.queues.queue('backfill').getJobCounts()).toMatchObject({
      waiting: 0,
      active: 0,
      completed: 0,
    });
    expect(straight.writeCounts()).toEqual({});
  });

  it('--dry-run writes nothing, and its diff is exactly what the real run then writes', async () => {
    const env = cliEnv(straight);
    straight.resetStats();
    const before = await straight.crmFields(RANGE);

    const dry = await runCli(['backfill', ...RANGE_FLAGS, ...PAGE_FLAGS, '--dry-run', '--json'], env);
    expect(dry.stderr).not.toMatch(/error/i);
    expect(dry.code).toBe(0);
    const outcome = JSON.parse(dry.stdout) as JsonOutcome;
    expect(outcome.backfill).toMatchObject({ status: 'completed', dryRun: true, dealsPulled: DEALS });
    expect(outcome.dealsTotal).toBe(DEALS);
    expect(straight.writeCounts()).toEqual({});
    expect(await straight.crmFields(RANGE)).toEqual(before);

    const diff = outcome.backfill.diff!;
    expect(diff.deals.changed).toBe(diff.deals.changes.length);
    expect(diff.deals.changed).toBeGreaterThan(DEALS / 4);
    expect(diff.attainment.changed).toBeGreaterThan(0);

    const real = await runCli(['backfill', ...RANGE_FLAGS, ...PAGE_FLAGS], env);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(
      /^Backfill bf-\S+ completed in \S+: 240 deals pulled, 240 evaluated, \d+ written/m,
    );
    const written = changedBetween(before, await straight.crmFields(RANGE));

    const dealsAfter = Object.fromEntries(diff.deals.changes.map((c) => [c.dealId, c.after]));
    expect(
      Object.fromEntries(
        Object.entries(written.deals).map(([id, f]) => [
          id,
          { involved: f.involved, creditedManagerId: f.creditedManagerId, credit: f.credit },
        ]),
      ),
    ).toEqual(dealsAfter);
    const rowsAfter = Object.fromEntries(
      diff.attainment.changes.map((c) => [`${c.managerId}:${c.period}`, c.after]),
    );
    expect(
      Object.fromEntries(
        Object.entries(written.attainment).map(([key, f]) => [
          key,
          { credited: f.credited, attainment: f.attainment },
        ]),
      ),
    ).toEqual(rowsAfter);

    // Without a terminal: plain progress lines on stderr, the last one with the final counts.
    expect(real.stderr).toMatch(
      /^backfill (bf-\S+) started for tenant acme: closed 2025-01-01\.\.2026-12-31, 240 deals$/m,
    );
    expect(real.stderr).toMatch(
      /^backfill bf-\S+ completed: pulled 240\/240 deals \(100%\), evaluated 240, written \d+, API calls \d+ of \d+ allowed$/m,
    );
    expect(real.stderr.includes(String.fromCharCode(27))).toBe(false);
  });

  it('stops at the API budget guard with the reason, the resume command and exit code 3', async () => {
    // 1% of a 2,000-call day: 20 calls, a few pages' worth.
    const env = { ...cliEnv(straight), BACKFILL_BUDGET_SHARE: '0.01' };
    straight.resetStats();
    straight.salesforce!.setSwitches({ dailyApiLimit: 2000 });
    try {
      const run = await runCli(['backfill', ...RANGE_FLAGS, ...PAGE_FLAGS], env);
      expect(run.code).toBe(3);
      const id = startedId(run.stderr)!;
      expect(run.stdout).toMatch(
        new RegExp(
          `^Backfill ${id} paused after \\d+ of 240 deals: API budget: \\d+ calls used since the start.* may use \\d+ \\(1% of the \\d+ daily calls`,
          'm',
        ),
      );
      expect(run.stdout).toContain(`Resume it with: playercoach backfill --tenant acme --resume ${id}`);
      const paused = (await backfillsOf(redis, straight).get(id))!;
      expect(paused).toMatchObject({ status: 'paused', allPagesDone: false });
      // The CLI's one count call comes out of the day's calls before the backfill takes its share.
      expect(paused.budget!.allowed).toBeLessThanOrEqual(20);
      expect(paused.apiCalls).toBeLessThanOrEqual(paused.budget!.allowed);
    } finally {
      straight.salesforce!.setSwitches({ dailyApiLimit: 1_000_000 });
    }
  });

  it('with --no-local-worker, says so when no worker takes the backfill', async () => {
    const run = spawnCli(
      ['backfill', ...RANGE_FLAGS, '--no-local-worker', '--worker-wait', '1'],
      cliEnv(straight),
    );
    await untilStderr(run, (s) => s.includes('no worker is taking backfill jobs'));
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.stderr).toMatch(
      /no worker is taking backfill jobs: start `playercoach worker` or drop --no-local-worker/,
    );
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toMatch(/paused after 0 of 240 deals: interrupted from the CLI \(SIGINT\)/);
  });

  it('pauses on Ctrl-C with the resume command, and --resume ends where a run straight through ends', async () => {
    const env = cliEnv(interrupted);
    const store = backfillsOf(redis, interrupted);
    // Slow CRM calls, so the interrupt lands mid-way.
    interrupted.salesforce!.setSwitches({ latencyMs: 40 });
    const run = spawnCli(['backfill', ...RANGE_FLAGS, ...PAGE_FLAGS], env);
    const id = startedId(await untilStderr(run, (s) => startedId(s) !== null))!;
    await untilState(store, id, (s) => s.pages >= 2);
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toContain(`Resume it with: playercoach backfill --tenant acme --resume ${id}`);
    const paused = (await store.get(id))!;
    expect(paused).toMatchObject({ status: 'paused', allPagesDone: false });
    expect(paused.reason).toMatch(/interrupted from the CLI \(SIGINT\)/);
    expect(paused.dealsPulled).toBeLessThan(DEALS);
    // The page in flight finished and committed before the CLI let go.
    expect(paused.dealsPulled % 20).toBe(0);

    interrupted.salesforce!.setSwitches({ latencyMs: 0 });
    const resumed = await runCli(['backfill', '--tenant', 'acme', '--resume', id], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`backfill ${id} was paused: interrupted from the CLI`));
    expect(resumed.stdout).toMatch(new RegExp(`Backfill ${id} completed`));
    expect(await store.get(id)).toMatchObject({
      status: 'completed',
      dealsPulled: DEALS,
      dealsEvaluated: DEALS,
    });

    const expected = await straight.crmFields(RANGE);
    expect(Object.keys(expected.deals).length).toBeGreaterThan(DEALS / 4);
    expect(await interrupted.crmFields(RANGE)).toEqual(expected);
    expect(Object.entries(interrupted.writeCounts()).filter(([, n]) => n > 1)).toEqual([]);
  });
  it('reports a page that failed for good with exit code 1, and leaves the backfill paused to resume', async () => {
    // A wrong client secret: the CLI's first calls work with the access token it has, and once
    // the token expires, the refresh is refused for good.
    const env = { ...cliEnv(straight), SALESFORCE_CLIENT_SECRET: 'not-the-secret' };
    const store = backfillsOf(redis, straight);
    straight.salesforce!.setSwitches({ latencyMs: 40 });
    try {
      const run = spawnCli(['backfill', ...RANGE_FLAGS, ...PAGE_FLAGS], env);
      const id = startedId(await untilStderr(run, (s) => startedId(s) !== null))!;
      await untilState(store, id, (s) => s.pages >= 1);
      straight.salesforce!.expireAccessTokens();
      const failed = await run.done;
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(
        new RegExp(
          `^Backfill ${id} paused after \\d+ of 240 deals: page \\d+ failed for good: AUTH_EXPIRED`,
          'm',
        ),
      );
      expect(failed.stdout).toContain(`Resume it with: playercoach backfill --tenant acme --resume ${id}`);
      expect(await store.get(id)).toMatchObject({
        status: 'paused',
        reason: expect.stringMatching(/failed for good/),
      });
    } finally {
      straight.salesforce!.setSwitches({ latencyMs: 0 });
    }
  });
});

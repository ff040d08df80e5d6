// Protects what `playercoach backfill` prints for people: the plain progress line, the ETA, the
// dry-run diff tables and the closing summary with its resume command, and the --json document.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DryRunDiff } from '../../../jobs/backfill-diff.js';
import type { BackfillState } from '../../store/backfills.js';
import { renderDiff } from './diff-print.js';
import { printOutcome, resumeCommand } from './outcome.js';
import { Eta, formatDuration, progressLine } from './progress.js';

const state = (over: Partial<BackfillState> = {}): BackfillState => ({
  id: 'bf-20260401120000-1a2b3c',
  from: '2026-01-01',
  to: '2026-03-31',
  dryRun: false,
  pageSize: 2000,
  status: 'running',
  reason: null,
  run: 0,
  page: null,
  pageNumber: 1,
  allPagesDone: false,
  pages: 1,
  maxPageCalls: 5,
  dealsPulled: 120,
  dealsEvaluated: 120,
  dealsWritten: 80,
  apiCalls: 14,
  budget: { remainingAtStart: 100_000, usedAtStart: 0, allowed: 25_000 },
  createdAt: '2026-04-01T12:00:00.000Z',
  updatedAt: '2026-04-01T12:00:05.000Z',
  finishedAt: null,
  diff: null,
  ...over,
});

const diff: DryRunDiff = {
  deals: {
    evaluated: 3,
    changed: 2,
    changes: [
      { dealId: 'D1', before: null, after: { involved: true, creditedManagerId: 'M1', credit: '1200.00' } },
      {
        dealId: 'D2',
        before: { involved: true, creditedManagerId: 'M1', credit: '500.00' },
        after: { involved: false, creditedManagerId: null, credit: '0.00' },
      },
    ],
  },
  attainment: {
    touched: 2,
    changed: 1,
    changes: [
      {
        managerId: 'M1',
        period: 'FY2026-Q1',
        before: { credited: '500.00', attainment: '0.0050' },
        after: { credited: '1200.00', attainment: '0.0120' },
      },
    ],
  },
};

function printed(o: Parameters<typeof printOutcome>[2]): { out: string; err: string } {
  const out = new PassThrough();
  const err = new PassThrough();
  printOutcome(out, err, o);
  return { out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

describe('progress', () => {
  it('prints one plain line with the counts against the total and the budget', () => {
    expect(progressLine(state(), 240, 65_000)).toBe(
      'backfill bf-20260401120000-1a2b3c running: pulled 120/240 deals (50%), evaluated 120, written 80, ' +
        'API calls 14 of 25000 allowed, ETA 1m 05s',
    );
    expect(progressLine(state({ status: 'completed', dryRun: true, budget: null }), null, 0)).toBe(
      'backfill bf-20260401120000-1a2b3c completed: pulled 120 deals, evaluated 120, written 0 (dry run), API calls 14',
    );
    expect(progressLine(state({ dealsPulled: 0 }), 0, null)).toMatch(/pulled 0\/0 deals \(100%\).*ETA \?$/);
    // Deals closed after the count was taken: the total follows what was pulled.
    expect(progressLine(state({ dealsPulled: 250 }), 240, 0)).toMatch(/pulled 250\/250 deals \(100%\)/);
  });

  it('formats durations for people', () => {
    expect([0, 4_400, 59_600, 125_000, 3_780_000].map(formatDuration)).toEqual([
      '0s',
      '4s',
      '1m 00s',
      '2m 05s',
      '1h 03m',
    ]);
  });

  it('estimates the time left from the rate seen since the watch began', () => {
    let now = 0;
    const eta = new Eta(300, () => now);
    expect(eta.remainingMs(100)).toBeNull();
    now = 10_000;
    expect(eta.remainingMs(100)).toBeNull();
    now = 20_000;
    // 100 deals in 20 s; 100 left.
    expect(eta.remainingMs(200)).toBe(20_000);
    expect(eta.remainingMs(300)).toBe(0);
    expect(new Eta(null, () => now).remainingMs(5)).toBeNull();
  });
});

describe('the dry-run diff', () => {
  it('shows per manager-period and per deal what would change, with the counts', () => {
    expect(renderDiff(diff, 20)).toBe(
      [
        'Manager-periods: 2 touched, 1 would change:',
        'manager  period              credited      attainment',
        '-------  ---------  -----------------  --------------',
        'M1       FY2026-Q1  500.00 -> 1200.00  0.50% -> 1.20%',
        '',
        'Deals: 3 evaluated, 2 would change:',
        'deal  involved   credited manager          credit',
        '----  ---------  ----------------  --------------',
        'D1    - -> yes   - -> M1             - -> 1200.00',
        'D2    yes -> no  M1 -> -           500.00 -> 0.00',
      ].join('\n'),
    );
  });

  it('lists only the first deals when asked, and says how many there are', () => {
    const text = renderDiff(diff, 1);
    expect(text).toContain('Deals: 3 evaluated, 2 would change (the first 1 by id; --show N lists more');
    expect(text).toContain('D1 ');
    expect(text).not.toContain('D2 ');
  });
});

describe('the closing summary', () => {
  const base = { tenant: 'acme', total: 240, json: false, show: 20, elapsedMs: 4000 };

  it('prints the reason and the exact resume command for a paused backfill', () => {
    const { out } = printed({
      ...base,
      state: state({ status: 'paused', reason: 'interrupted from the CLI (SIGINT)' }),
    });
    expect(out).toBe(
      'Backfill bf-20260401120000-1a2b3c paused after 120 of 240 deals: interrupted from the CLI (SIGINT).\n' +
        'Resume it with: playercoach backfill --tenant acme --resume bf-20260401120000-1a2b3c\n',
    );
  });

  it('prints the diff and says nothing was written for a completed dry run', () => {
    const { out } = printed({ ...base, state: state({ status: 'completed', dryRun: true, diff }) });
    expect(out).toContain('M1       FY2026-Q1  500.00 -> 1200.00');
    expect(out).toMatch(
      /Dry run bf-\S+ completed in 4s: 120 deals pulled, 120 evaluated, none written to the CRM/,
    );
  });

  it('with --json prints one document on stdout, and the resume command on stderr', () => {
    const paused = state({ status: 'paused', reason: 'API budget: ...' });
    const { out, err } = printed({ ...base, json: true, state: paused });
    expect(JSON.parse(out)).toEqual({
      backfill: paused,
      dealsTotal: 240,
      resumeCommand: resumeCommand('acme', paused.id),
    });
    expect(err).toBe(`resume it with: ${resumeCommand('acme', paused.id)}\n`);
  });
});

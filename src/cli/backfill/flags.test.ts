// Protects the checks `playercoach backfill` makes on its flags before it opens anything: every
// problem named with its flag (one InputError, exit code 2), and the plan a good set of flags gives.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { type BackfillFlags, parseBackfillFlags } from './flags.js';

const base: BackfillFlags = { tenant: 'acme', localWorker: true, show: '20', workerWait: '10' };

function issues(flags: Partial<BackfillFlags>): string[] {
  try {
    parseBackfillFlags({ ...base, ...flags });
  } catch (err) {
    if (err instanceof InputError) return [...err.issues];
    throw err;
  }
  return [];
}

describe('parseBackfillFlags', () => {
  it('turns a range into a start plan, and --resume into a resume plan', () => {
    expect(
      parseBackfillFlags({ ...base, from: '2026-01-01', to: '2026-03-31', dryRun: true, pageSize: '50' }),
    ).toEqual({
      tenant: 'acme',
      json: false,
      localWorker: true,
      show: 20,
      workerWaitMs: 10_000,
      plan: { kind: 'start', from: '2026-01-01', to: '2026-03-31', dryRun: true, pageSize: 50 },
    });
    expect(
      parseBackfillFlags({ ...base, resume: 'bf-20260101000000-abcdef', json: true, localWorker: false }),
    ).toMatchObject({
      json: true,
      localWorker: false,
      plan: { kind: 'resume', backfillId: 'bf-20260101000000-abcdef' },
    });
    // One day is a range.
    expect(parseBackfillFlags({ ...base, from: '2026-02-28', to: '2026-02-28' }).plan).toMatchObject({
      from: '2026-02-28',
      to: '2026-02-28',
    });
  });

  it.each<[string, Partial<BackfillFlags>, RegExp]>([
    [
      'a month 13',
      { from: '2026-13-01', to: '2026-12-31' },
      /^--from: "2026-13-01" is not a date YYYY-MM-DD$/,
    ],
    ['a 30 February', { from: '2026-01-01', to: '2026-02-30' }, /^--to: "2026-02-30" is not a date/],
    [
      'a date in another format',
      { from: '01/02/2026', to: '2026-12-31' },
      /^--from: "01\/02\/2026" is not a date/,
    ],
    [
      'from after to',
      { from: '2026-03-01', to: '2026-02-01' },
      /^--from \(2026-03-01\) is after --to \(2026-02-01\)/,
    ],
    ['no --from', { to: '2026-02-01' }, /^--from is required/],
    ['no dates at all', {}, /^--from is required/],
    ['a range with --resume', { resume: 'bf-1', from: '2026-01-01', dryRun: true }, /drop --from, --dry-run/],
    ['a bad backfill id', { resume: '../etc' }, /^--resume: "..\/etc" must be a backfill id/],
    [
      'page size 0',
      { from: '2026-01-01', to: '2026-02-01', pageSize: '0' },
      /^--page-size: "0" must be a whole number from 1 to 2000$/,
    ],
    ['page size 2001', { from: '2026-01-01', to: '2026-02-01', pageSize: '2001' }, /^--page-size: "2001"/],
    ['a fractional --show', { from: '2026-01-01', to: '2026-02-01', show: '1.5' }, /^--show: "1.5"/],
    ['--worker-wait 0', { from: '2026-01-01', to: '2026-02-01', workerWait: '0' }, /^--worker-wait: "0"/],
  ])('refuses %s', (_, flags, message) => {
    const found = issues(flags);
    expect(
      found.some((m) => message.test(m)),
      found.join('\n'),
    ).toBe(true);
  });

  it('names every bad flag at once', () => {
    expect(issues({ from: 'x', to: 'y', show: '-1' })).toHaveLength(3);
  });
});

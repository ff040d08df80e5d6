// Protects how failures are retried: permanent errors fail at once with their reason, rate limits
// and a busy tenant cost no attempt, retryable errors back off exponentially with jitter and never
// sooner than the CRM's Retry-After.
import { QueueEvents, Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { PlayercoachError } from '../src/errors.js';
import { LockBusyError } from '../src/store/tenant-lock.js';
import { MemoryCrm } from '../test/support/memory-crm.js';
import { type TestPipeline, testPipeline } from '../test/support/pipeline.js';
import { smallOrg } from '../test/support/small-org.js';
import { backoffStrategy } from './errors.js';
import { makeProcessor } from './processor.js';

describe('backoffStrategy', () => {
  it.each([
    { attempt: 1, retryAfterMs: undefined, min: 500, max: 1000 },
    { attempt: 3, retryAfterMs: undefined, min: 2000, max: 4000 },
    { attempt: 30, retryAfterMs: undefined, min: 300_000, max: 600_000 },
    { attempt: 1, retryAfterMs: 20_000, min: 20_000, max: 21_000 },
    { attempt: 5, retryAfterMs: 2_000, min: 8_000, max: 16_000 },
  ])(
    'attempt $attempt with Retry-After $retryAfterMs waits $min..$max ms',
    ({ attempt, retryAfterMs, min, max }) => {
      const err = new PlayercoachError('CRM_UNAVAILABLE', 'busy', { retryable: true, retryAfterMs });
      const delays = Array.from({ length: 200 }, () => backoffStrategy(attempt, 'crm', err));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(min);
      expect(Math.max(...delays)).toBeLessThanOrEqual(max);
      // Jitter: the delays are not all the same.
      expect(new Set(delays).size).toBeGreaterThan(1);
    },
  );
});

describe('failed jobs in the queue', () => {
  let p: TestPipeline | undefined;
  let worker: Worker | undefined;
  let events: QueueEvents | undefined;
  afterEach(async () => {
    await worker?.close();
    await events?.close();
    await p?.close();
    p = worker = events = undefined;
  });

  /** Runs one recompute job whose handler throws the given errors in turn, then succeeds. */
  async function run(errors: Error[], data?: object) {
    const crm = new MemoryCrm(smallOrg());
    p = testPipeline({ label: 'errors', connector: () => crm.connector(), start: false });
    const deps = p.deps;
    const queue = deps.queues.queue('recompute');
    events = new QueueEvents('recompute', { connection: deps.redis.duplicate(), prefix: deps.queues.prefix });
    await events.waitUntilReady();
    let calls = 0;
    worker = new Worker(
      'recompute',
      makeProcessor('recompute', deps, async () => {
        const err = errors[calls++];
        if (err) throw err;
        return 'ok';
      }),
      { connection: deps.redis, prefix: deps.queues.prefix, settings: { backoffStrategy } },
    );
    const options = { attempts: 3, backoff: { type: 'crm', delay: 1 } };
    // A bad payload goes around `enqueue`, which would refuse it, to show the worker refuses it too.
    const id = data
      ? (await queue.add('recompute', data, options)).id!
      : await deps.queues.enqueue(
          'recompute',
          { tenant: 'acme', managerId: 'M1', period: 'FY2026-Q1' },
          options,
        );
    const job = (await queue.getJob(id))!;
    const outcome = await job.waitUntilFinished(events).then(
      (v: unknown) => ({ ok: true as const, value: v }),
      (e: Error) => ({ ok: false as const, reason: e.message }),
    );
    const after = (await queue.getJob(id))!;
    return { outcome, attemptsMade: after.attemptsMade, calls };
  }

  it('a permanent error fails at once, with the code and reason', async () => {
    const r = await run([new PlayercoachError('CRM_REJECTED', 'INVALID_FIELD: No such column PC_Foo__c')]);
    expect(r.outcome).toEqual({ ok: false, reason: 'CRM_REJECTED: INVALID_FIELD: No such column PC_Foo__c' });
    expect(r.calls).toBe(1);
  });

  it('a bad payload fails at once, naming the field', async () => {
    const r = await run([], { tenant: 'ACME!', managerId: 'M1', period: 'FY2026-Q1' });
    expect(r.outcome.ok).toBe(false);
    expect(r.outcome).toMatchObject({
      reason: expect.stringMatching(/^INVALID_INPUT: recompute job tenant: must be/),
    });
    expect(r.calls).toBe(0);
  });

  it('a short rate limit costs no attempt', async () => {
    const limited = new PlayercoachError('RATE_LIMITED', 'TEN_SECONDLY_ROLLING', {
      retryable: true,
      retryAfterMs: 50,
    });
    const r = await run([limited, limited]);
    expect(r.outcome).toEqual({ ok: true, value: 'ok' });
    expect(r.calls).toBe(3);
    expect(r.attemptsMade).toBeLessThanOrEqual(1);
  });

  it('a busy tenant costs no attempt', async () => {
    const r = await run([new LockBusyError('k'), new LockBusyError('k'), new LockBusyError('k')]);
    expect(r.outcome).toEqual({ ok: true, value: 'ok' });
    expect(r.calls).toBe(4);
    expect(r.attemptsMade).toBeLessThanOrEqual(1);
  });

  it('a retryable error is retried until the attempts run out', async () => {
    const down = new PlayercoachError('CRM_UNAVAILABLE', '503', { retryable: true, retryAfterMs: 10 });
    const r = await run([down, down, down, down]);
    expect(r.outcome).toEqual({ ok: false, reason: '503' });
    expect(r.calls).toBe(3);
  });
});

// Protects `inFlight`, which runs a pull's composite query calls and a write-back's collection calls a few at a time: answers come back in the order asked, never more calls pending than allowed, and one failure fails the whole, once the calls already pending have ended.
import { describe, expect, it } from 'vitest';
import { inFlight } from './connection.js';

describe('inFlight', () => {
  it('keeps at most `limit` calls pending and answers in item order', async () => {
    let pending = 0;
    let most = 0;
    const answers = await inFlight([30, 5, 20, 1, 10], 2, async (ms) => {
      pending++;
      most = Math.max(most, pending);
      await new Promise((r) => setTimeout(r, ms));
      pending--;
      return ms * 2;
    });
    expect(answers).toEqual([60, 10, 40, 2, 20]);
    expect(most).toBe(2);
  });

  it('rejects when a call rejects, after the pending calls ended, starts no call after it, and makes no call for no items', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    await expect(
      inFlight([1, 2, 30, 4, 5], 2, async (n) => {
        started.push(n);
        await new Promise((r) => setTimeout(r, n));
        ended.push(n);
        if (n === 2) throw new Error('call 2 failed');
        return n;
      }),
    ).rejects.toThrow('call 2 failed');
    expect(ended).toEqual([1, 2, 30]);
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toEqual([1, 2, 30]);
    let calls = 0;
    expect(await inFlight([], 2, async () => ++calls)).toEqual([]);
    expect(calls).toBe(0);
  });
});

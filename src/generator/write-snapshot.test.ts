// Protects the streaming snapshot writer: a generated org too big for one JSON string must still
// be written, and what it writes must parse back to the same snapshot, byte for byte per seed.
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../domain/snapshot.js';
import { generateOrg } from './generate-org.js';
import { writeSnapshot } from './write-snapshot.js';

/** A sink that takes its time, as a file or a pipe does, so the writer has to wait for drains. */
function slowSink(parts: Buffer[]): Writable {
  return new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      setImmediate(callback);
    },
  });
}

async function writeOut(snapshot: object): Promise<{ text: string; drains: number }> {
  const parts: Buffer[] = [];
  const sink = slowSink(parts);
  const listeners = ['drain', 'error', 'close'].map((e) => sink.listenerCount(e));
  let drains = 0;
  sink.on('drain', () => drains++);
  await writeSnapshot(snapshot, sink);
  // Waiting for many drains must not pile up listeners on the stream.
  sink.removeAllListeners('drain');
  expect(['drain', 'error', 'close'].map((e) => sink.listenerCount(e))).toEqual(listeners);
  sink.end();
  await finished(sink);
  return { text: Buffer.concat(parts).toString('utf8'), drains };
}

const written = async (snapshot: object) => (await writeOut(snapshot)).text;

describe('writeSnapshot', () => {
  it('writes JSON that parses back to an equal snapshot', async () => {
    const org = generateOrg({ deals: 3000, seed: 5 });
    const { text, drains } = await writeOut(org);
    expect(drains).toBeGreaterThan(3);
    const back = JSON.parse(text);
    expect(back).toEqual(org);
    expect(parseSnapshot(back)).toEqual(org);
  });

  it('writes the same bytes for the same seed', async () => {
    const a = await written(generateOrg({ deals: 200, seed: 11 }));
    expect(await written(generateOrg({ deals: 200, seed: 11 }))).toBe(a);
    expect(await written(generateOrg({ deals: 200, seed: 12 }))).not.toBe(a);
  });

  it('writes empty arrays, scalars and nested values as JSON', async () => {
    const value = {
      version: 1,
      tags: [],
      names: ['a', 'b'],
      nested: { x: [1, 2] },
      rows: [{ a: 1 }, { b: [2] }],
    };
    expect(JSON.parse(await written(value))).toEqual(value);
  });

  it('reports progress up to the total number of records', async () => {
    const org = generateOrg({ deals: 3000, seed: 5 });
    const total =
      org.internalDomains.length +
      org.users.length +
      org.managerHistory.length +
      org.deals.length +
      org.activities.length +
      org.quotas.length +
      org.rates.length;
    const seen: number[] = [];
    const sink = new PassThrough();
    sink.resume();
    await writeSnapshot(org, sink, (done, all) => {
      expect(all).toBe(total);
      seen.push(done);
    });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(total);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('rejects when the stream fails', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    await expect(writeSnapshot(generateOrg({ deals: 3000 }), failing)).rejects.toThrow('disk full');
  });
});

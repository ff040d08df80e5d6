// Protects ChunkedList: entries come back in order across chunk boundaries, by index and as one array.
import { describe, expect, it } from 'vitest';
import { ChunkedList } from './chunked-list.js';

describe('ChunkedList', () => {
  it('is empty at first', () => {
    const list = new ChunkedList<number>();
    expect(list.length).toBe(0);
    expect(list.toArray()).toEqual([]);
  });

  it('keeps every entry in order across chunks', () => {
    const list = new ChunkedList<number>();
    const n = 3 * 65536 + 5;
    for (let i = 0; i < n; i++) list.push(i * 2);
    expect(list.length).toBe(n);
    for (const i of [0, 65535, 65536, 131071, 131072, n - 1]) expect(list.get(i)).toBe(i * 2);
    const all = list.toArray();
    expect(all.length).toBe(n);
    expect(all.every((v, i) => v === i * 2)).toBe(true);
  });

  it('does not flatten entries that are arrays', () => {
    const list = new ChunkedList<string[]>();
    list.push(['a', 'b']);
    list.push([]);
    expect(list.toArray()).toEqual([['a', 'b'], []]);
  });
});

// Protects `utf8Body`, which turns a response body jsforce read as Latin-1 into the text a UTF-8 read gives: the same string for every byte sequence, invalid UTF-8 included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Body } from './connection.js';

describe('utf8Body', () => {
  it('gives what a UTF-8 read of the same bytes gives', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const buf = Buffer.from(bytes);
        expect(utf8Body(buf.toString('latin1'))).toBe(buf.toString('utf8'));
      }),
      { numRuns: 2000 },
    );
    const text = '{"Name":"Zoë 東京 🚀"}';
    expect(utf8Body(Buffer.from(text).toString('latin1'))).toBe(text);
  });

  it('returns plain ASCII as it is', () => {
    const ascii = '{"records":[{"Id":"0065g0000000001AAA"}]}';
    expect(utf8Body(ascii)).toBe(ascii);
  });
});

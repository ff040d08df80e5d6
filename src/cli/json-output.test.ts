// Protects the streamed JSON of `compute`: piece by piece, it must be exactly JSON.stringify(x, null, 2).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prettyJsonOfArrays } from './json-output.js';

describe('prettyJsonOfArrays', () => {
  it('equals JSON.stringify with two-space indentation', () => {
    const item = fc.record({
      id: fc.string(),
      n: fc.integer(),
      flag: fc.boolean(),
      none: fc.constant(null),
      list: fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }),
      nested: fc.record({ text: fc.string({ unit: 'grapheme' }) }),
    });
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.array(item, { maxLength: 4 }), { maxKeys: 3 }), (obj) => {
        expect([...prettyJsonOfArrays(obj)].join('')).toBe(JSON.stringify(obj, null, 2));
      }),
    );
  });
});

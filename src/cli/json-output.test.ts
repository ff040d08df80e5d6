// Protects the streamed JSON of `compute` and `snapshot export`: piece by piece, it must be exactly JSON.stringify(x, null, 2).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prettyJsonObject, prettyJsonOfArrays } from './json-output.js';

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

describe('prettyJsonObject', () => {
  it('equals JSON.stringify with two-space indentation for scalars, objects and arrays side by side', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.record({ id: fc.string(), tags: fc.array(fc.string(), { maxLength: 2 }) }), {
        maxLength: 3,
      }),
      fc.record({ a: fc.string(), b: fc.array(fc.integer(), { maxLength: 2 }) }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value, { maxKeys: 5 }), (obj) => {
        expect([...prettyJsonObject(obj)].join('')).toBe(JSON.stringify(obj, null, 2));
      }),
    );
  });
});

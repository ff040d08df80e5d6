// Protects the shape of generated record ids: the Salesforce sandbox keeps them as they are, so
// they must look like real 18-character ids with the right key prefix and case-safe suffix.
import { describe, expect, it } from 'vitest';
import { caseSafeSuffix, ID_PREFIX, salesforceId } from './ids.js';

describe('salesforceId', () => {
  it('computes the suffix Salesforce documents for a known id', () => {
    expect(caseSafeSuffix('001A0000006Vm9r')).toBe('IAC');
  });

  it('makes 18-character ids with the key prefix and the suffix of their first 15 characters', () => {
    for (const n of [1, 61, 62, 3844, 123_456_789, Number.MAX_SAFE_INTEGER]) {
      const id = salesforceId(ID_PREFIX.event, n);
      expect(id).toMatch(/^00U[0-9A-Za-z]{15}$/);
      expect(id.slice(15)).toBe(caseSafeSuffix(id.slice(0, 15)));
    }
  });

  it('gives distinct ids for distinct counters, also ignoring case', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => salesforceId(ID_PREFIX.contact, i * 7919 + 1));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.toLowerCase())).size).toBe(ids.length);
  });

  it('refuses a counter that is not a safe whole number', () => {
    expect(() => salesforceId(ID_PREFIX.user, 2 ** 53)).toThrow(RangeError);
    expect(() => salesforceId(ID_PREFIX.user, -1)).toThrow(RangeError);
  });
});

// Protects the one SOQL builder: every value is escaped by type, names are checked, IN-batches stay under SOQL's limits.
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { describe, expect, it } from 'vitest';
import { unquoteSoqlString } from './sandbox/soql-engine.js';
import {
  inBatches,
  quoteSoqlString,
  soql,
  soqlDate,
  soqlDateTime,
  soqlFields,
  soqlFragment,
} from './soql.js';

describe('soql', () => {
  it.each([
    ['plain', "'plain'"],
    ["O'Brien", "'O\\'Brien'"],
    ['back\\slash', "'back\\\\slash'"],
    ['line\nbreak\ttab\rret', "'line\\nbreak\\ttab\\rret'"],
    ['"quoted"', '\'\\"quoted\\"\''],
    ["' OR Name != '", "'\\' OR Name != \\''"],
  ])('quotes %j as %s, and the sandbox reads it back', (value, literal) => {
    expect(quoteSoqlString(value)).toBe(literal);
    expect(unquoteSoqlString(literal)).toBe(value);
  });

  it('escapes values by type and keeps the query parseable', () => {
    const q = soql`SELECT ${soqlFields(['Id', 'Owner.ManagerId'])} FROM Opportunity WHERE Name = ${"it's"} AND Amount > ${12.5} AND IsWon = ${true} AND AccountId = ${null} AND CloseDate >= ${soqlDate('2026-01-31')} AND SystemModstamp > ${soqlDateTime('2026-01-31T10:00:00.000+0000')} AND Id IN ${['006A', '006B']}`;
    expect(q).toBe(
      "SELECT Id, Owner.ManagerId FROM Opportunity WHERE Name = 'it\\'s' AND Amount > 12.5 AND IsWon = true AND AccountId = null AND CloseDate >= 2026-01-31 AND SystemModstamp > 2026-01-31T10:00:00Z AND Id IN ('006A', '006B')",
    );
    expect(() => parseQuery(q)).not.toThrow();
  });

  it('keeps milliseconds in a datetime only when there are some', () => {
    expect(soqlDateTime(Date.UTC(2026, 0, 1, 0, 0, 0, 250)).value).toBe('2026-01-01T00:00:00.250Z');
    expect(soqlDateTime('2026-01-01T01:00:00+01:00').value).toBe('2026-01-01T00:00:00Z');
  });

  it('refuses what it cannot escape', () => {
    expect(() => soqlFields(['Id; DELETE'])).toThrow(RangeError);
    expect(() => soqlDate('2026-1-1')).toThrow(RangeError);
    expect(() => soqlDateTime('yesterday')).toThrow(RangeError);
    expect(() => soql`SELECT Id FROM X WHERE Id IN ${[]}`).toThrow(RangeError);
    expect(() => soql`SELECT Id FROM X WHERE Amount = ${Number.NaN}`).toThrow(RangeError);
  });

  it('nests fragments built with soql', () => {
    const sub = soqlFragment`(SELECT Id FROM EventRelations WHERE Status = ${'New'})`;
    expect(soql`SELECT Id, ${sub} FROM Event`).toBe(
      "SELECT Id, (SELECT Id FROM EventRelations WHERE Status = 'New') FROM Event",
    );
  });

  it('splits IN lists by length and by count', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `006${String(i).padStart(15, '0')}`);
    const build = (chunk: readonly string[]) => soql`SELECT Id FROM Opportunity WHERE Id IN ${chunk}`;
    const byLength = inBatches(ids, build);
    for (const q of byLength) expect(q.length).toBeLessThanOrEqual(90_000);
    expect(byLength.length).toBeGreaterThan(1);
    const byCount = inBatches(ids, build, { maxItems: 700 });
    expect(byCount).toHaveLength(Math.ceil(10_000 / 700));
    const back = byCount.flatMap((q) => [...q.matchAll(/'(006\d+)'/g)].map((m) => m[1]));
    expect(back).toEqual(ids);
    expect(inBatches([], build)).toEqual([]);
  });
});

// Protects the SOQL shape cache: a query parsed through a cached shape gives the very AST (and the very error) the parser gives for the text as sent.
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutInLists, parseSoql } from './soql-parse.js';

function direct(soql: string): unknown {
  try {
    return parseQuery(soql);
  } catch (err) {
    return { error: String(err) };
  }
}

function cached(soql: string): unknown {
  try {
    return parseSoql(soql);
  } catch (err) {
    return { error: String(err) };
  }
}

const CASES = [
  "SELECT Id, WhatId, (SELECT RelationId FROM EventRelations WHERE IsWhat = false ORDER BY Id) FROM Event WHERE IsChild = false AND WhatId IN ('006A', '006B') ORDER BY Id",
  "SELECT Id FROM Event WHERE WhatId in('a','b')",
  "SELECT Id FROM Event WHERE WhatId  IN  (  'a' ,'b'  ) AND Name NOT IN ('x\\'y', 'IN (\\'z\\')')",
  "SELECT Id FROM Event WHERE Name = 'x IN (\\'a\\')' AND WhatId IN ('q')",
  "SELECT Id FROM Event WHERE WhatId IN ('a', null)",
  "SELECT Id FROM Event WHERE WhatId IN ('\u00000') AND Id IN ('\u00000')",
  "SELECT Id, (SELECT Id FROM EventRelations WHERE RelationId IN ('r1','r2')) FROM Event WHERE WhatId IN ('a')",
  "SELECT Id FROM Event WHERE WhatId IN ('a'\n,\n'b')",
  "SELECT Id FROM Event WHERE (WhatId IN ('a')) OR (Id NOT IN ('b', 'c'))",
  "SELECT Id FROM Event WHERE Name IN ('ünï', 'b')",
  "SELECT Id FROM Event WHERE Name IN ('line\nbreak')",
  "SELECT Id FROM Event WHERE Name IN ('unterminated)",
  "SELECT Id FROM Event WHERE Name IN ('a') AND",
  "SELECT Id FROM Event WHERE Name = 'it''s' AND WhatId IN ('a')",
  "SELECT Id FROM Opportunity WHERE CloseDate >= 2024-01-01 AND (CloseDate > 2024-02-01 OR (CloseDate = 2024-02-01 AND Id > '006A')) ORDER BY CloseDate, Id LIMIT 2000",
];

describe('parseSoql', () => {
  it.each(CASES)('parses %j as the parser does', (soql) => {
    expect(cached(soql)).toEqual(direct(soql));
    // The second time comes from the cached shape.
    expect(cached(soql)).toEqual(direct(soql));
  });

  it('cuts string IN lists out and leaves the rest, literals included', () => {
    expect(cutInLists("SELECT Id FROM Event WHERE Name = 'a IN (\\'b\\')' AND WhatId IN ('c', 'd')")).toEqual(
      {
        shape: "SELECT Id FROM Event WHERE Name = 'a IN (\\'b\\')' AND WhatId IN ('\u00000')",
        lists: [["'c'", "'d'"]],
      },
    );
    expect(cutInLists('SELECT Id FROM Event WHERE Amount IN (1, 2)')).toBeNull();
  });

  it('gives the AST of the text as sent for any list of strings', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'Z', ' ', "'", '\\', ',', '(', ')', 'I', 'N', '\n', '\u0000'),
    });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), fc.boolean(), (values, raw) => {
        const literal = (v: string) => (raw ? `'${v}'` : `'${v.replace(/[\\']/g, '\\$&')}'`);
        const soql = `SELECT Id FROM Event WHERE Subject IN (${values.map(literal).join(', ')}) AND WhatId IN ('x')`;
        expect(cached(soql)).toEqual(direct(soql));
      }),
      { numRuns: 300 },
    );
  });
});

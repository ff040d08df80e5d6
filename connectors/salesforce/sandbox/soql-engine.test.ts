// Protects the sandbox's SOQL: the subset the connector relies on evaluates as Salesforce does, and what it does not know fails the way Salesforce fails.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Access } from './access.js';
import { OrgStore, type SfRecord } from './org-store.js';
import { RecordWriter } from './record-json.js';
import { compileQuery, executeQuery, SoqlError } from './soql-engine.js';

const T0 = Date.UTC(2026, 2, 10, 15, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();

function org(): OrgStore {
  const store = new OrgStore({ clock: () => T0 });
  const put = (type: string, rec: Record<string, unknown>) => store.table(type).put(rec as SfRecord);
  put('User', { Id: '005A', Name: 'Rita Rep', Email: 'rita@acme.com', ManagerId: '005M', IsActive: true });
  put('User', { Id: '005M', Name: 'Mia Manager', Email: 'mia@acme.com', IsActive: true });
  put('Account', { Id: '001A', Name: 'Globex' });
  put('Contact', { Id: '003A', LastName: 'Buyer', Email: 'buyer@globex.com', AccountId: '001A' });
  const opp = (Id: string, extra: Record<string, unknown>) =>
    put('Opportunity', {
      Id,
      Name: Id,
      OwnerId: '005A',
      AccountId: '001A',
      StageName: 'Closed Won',
      IsClosed: true,
      IsWon: true,
      SystemModstamp: at(T0),
      ...extra,
    });
  opp('006A', { CloseDate: '2026-01-10', Amount: 100 });
  opp('006B', { CloseDate: '2026-02-10', Amount: 200, Name: "O'Brien deal" });
  opp('006C', { CloseDate: '2026-02-10', Amount: null, IsWon: false, StageName: 'Closed Lost' });
  opp('006D', { CloseDate: '2026-03-10', Amount: 50, OwnerId: '005M', AccountId: null });
  put('Event', { Id: '00UA', WhatId: '006A', OwnerId: '005A', StartDateTime: at(T0), IsChild: false });
  put('Event', {
    Id: '00UB',
    WhatId: '001A',
    OwnerId: '005A',
    StartDateTime: at(T0 + 3_600_000),
    IsChild: false,
  });
  put('EventRelation', {
    Id: '0REA',
    EventId: '00UA',
    RelationId: '003A',
    IsInvitee: true,
    IsParent: true,
    IsWhat: false,
    Status: 'Accepted',
  });
  put('EventRelation', {
    Id: '0REB',
    EventId: '00UA',
    RelationId: '005M',
    IsInvitee: true,
    IsParent: false,
    IsWhat: false,
    Status: 'New',
  });
  return store;
}

function run(store: OrgStore, soql: string): Record<string, unknown>[] {
  const q = compileQuery(soql, { store, access: new Access(store), userId: '005A' });
  const rows = executeQuery(q);
  return JSON.parse(new RecordWriter(store, '62.0').records(rows, q.shape));
}

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => r['Id']);

describe('WHERE', () => {
  const store = org();
  it.each([
    ['IsWon = true', ['006A', '006B', '006D']],
    ['IsWon = false OR Amount > 150', ['006B', '006C']],
    ['NOT (IsWon = true)', ['006C']],
    ['IsWon = true AND (Amount < 60 OR Amount > 150)', ['006B', '006D']],
    ['IsWon = true AND NOT (Amount < 60 OR Amount > 150)', ['006A']],
    ['(IsWon = true AND Amount >= 100) OR (IsWon = false AND Amount = null)', ['006A', '006B', '006C']],
    ['Amount = null', ['006C']],
    ['Amount != null', ['006A', '006B', '006D']],
    ['Amount != 100', ['006B', '006C', '006D']],
    ['Amount <= 100', ['006A', '006D']],
    ["Id IN ('006A', '006D', '006Z')", ['006A', '006D']],
    ["Id NOT IN ('006A', '006D')", ['006B', '006C']],
    ['AccountId = null', ['006D']],
    ["Name = 'o\\'brien DEAL'", ['006B']],
    ["Name LIKE 'o\\'B%'", ['006B']],
    ["Name LIKE '006_'", ['006A', '006C', '006D']],
    ['CloseDate = 2026-02-10', ['006B', '006C']],
    ['CloseDate > 2026-01-10 AND CloseDate < 2026-03-10', ['006B', '006C']],
    ['SystemModstamp = 2026-03-10T15:00:00Z', ['006A', '006B', '006C', '006D']],
    ['SystemModstamp = 2026-03-10T16:00:00+01:00', ['006A', '006B', '006C', '006D']],
    ['SystemModstamp > 2026-03-10T15:00:00.000Z', []],
    ["Owner.ManagerId = '005M'", ['006A', '006B', '006C']],
    ["Owner.Email LIKE '%@acme.com'", ['006A', '006B', '006C', '006D']],
  ])('%s', (where, expected) => {
    expect(ids(run(store, `SELECT Id FROM Opportunity WHERE ${where}`))).toEqual(expected);
  });
});

describe('ORDER BY, LIMIT, OFFSET', () => {
  const store = org();
  it.each([
    ['CloseDate DESC, Id ASC', ['006D', '006B', '006C', '006A']],
    ['Amount ASC', ['006C', '006D', '006A', '006B']],
    ['Amount ASC NULLS LAST', ['006D', '006A', '006B', '006C']],
    ['Amount DESC', ['006B', '006A', '006D', '006C']],
    ['Amount DESC NULLS FIRST', ['006C', '006B', '006A', '006D']],
    ['CloseDate, Id DESC LIMIT 2', ['006A', '006C']],
    ['CloseDate, Id LIMIT 2 OFFSET 1', ['006B', '006C']],
  ])('%s', (order, expected) => {
    expect(ids(run(store, `SELECT Id FROM Opportunity ORDER BY ${order}`))).toEqual(expected);
  });
});

describe('fields and relationships', () => {
  const store = org();
  it('renders parent paths as nested records and empty lookups as null', () => {
    const rows = run(
      store,
      "SELECT Id, Amount, CloseDate, IsWon, SystemModstamp, Owner.ManagerId, Owner.Manager.Email, Account.Name FROM Opportunity WHERE Id IN ('006A', '006D') ORDER BY Id",
    );
    expect(rows[0]).toEqual({
      attributes: { type: 'Opportunity', url: '/services/data/v62.0/sobjects/Opportunity/006A' },
      Id: '006A',
      Amount: 100,
      CloseDate: '2026-01-10',
      IsWon: true,
      SystemModstamp: '2026-03-10T15:00:00.000+0000',
      Owner: {
        attributes: { type: 'User', url: '/services/data/v62.0/sobjects/User/005A' },
        ManagerId: '005M',
        Manager: {
          attributes: { type: 'User', url: '/services/data/v62.0/sobjects/User/005M' },
          Email: 'mia@acme.com',
        },
      },
      Account: {
        attributes: { type: 'Account', url: '/services/data/v62.0/sobjects/Account/001A' },
        Name: 'Globex',
      },
    });
    expect(rows[1]!['Account']).toBeNull();
    expect((rows[1]!['Owner'] as Record<string, unknown>)['Manager']).toBeNull();
  });

  it('renders child subqueries, null when there are none, and polymorphic parents with Type', () => {
    const rows = run(
      store,
      'SELECT Id, What.Type, (SELECT RelationId, Status FROM EventRelations WHERE IsInvitee = true ORDER BY RelationId DESC) FROM Event ORDER BY Id',
    );
    expect(rows[0]!['What']).toEqual({
      attributes: { type: 'Name', url: '/services/data/v62.0/sobjects/Opportunity/006A' },
      Type: 'Opportunity',
    });
    expect(rows[0]!['EventRelations']).toMatchObject({
      totalSize: 2,
      done: true,
      records: [
        { RelationId: '005M', Status: 'New' },
        { RelationId: '003A', Status: 'Accepted' },
      ],
    });
    expect((rows[1]!['What'] as Record<string, unknown>)['Type']).toBe('Account');
    expect(rows[1]!['EventRelations']).toBeNull();
  });

  it('reads unset checkboxes as false and counts with COUNT()', () => {
    expect(run(store, "SELECT IsAllDayEvent FROM Event WHERE Id = '00UA'")[0]!['IsAllDayEvent']).toBe(false);
    const q = compileQuery('SELECT COUNT() FROM Opportunity WHERE IsWon = true', {
      store,
      access: new Access(store),
      userId: '005A',
    });
    expect(q.count).toBe(true);
    expect(executeQuery(q)).toHaveLength(3);
  });
});

describe('errors, as Salesforce reports them', () => {
  const store = org();
  it.each([
    ['SELECT Nope FROM Opportunity', 'INVALID_FIELD', /No such column 'Nope' on entity 'Opportunity'/],
    ['SELECT Id FROM Opportunity WHERE Nope = 1', 'INVALID_FIELD', /No such column/],
    ['SELECT Owner.Nope FROM Opportunity', 'INVALID_FIELD', /No such column 'Nope' on entity 'User'/],
    ['SELECT Nope.Id FROM Opportunity', 'INVALID_FIELD', /Didn't understand relationship 'Nope'/],
    ['SELECT Id FROM Nope__c', 'INVALID_TYPE', /sObject type 'Nope__c' is not supported/],
    [
      'SELECT Id, (SELECT Id FROM Nopes) FROM Opportunity',
      'INVALID_TYPE',
      /Didn't understand relationship 'Nopes'/,
    ],
    ['SELECT Id FROM', 'MALFORMED_QUERY', /unexpected token/],
    [
      "SELECT Id FROM Opportunity WHERE CloseDate = '2026-01-01'",
      'MALFORMED_QUERY',
      /must be of type date and should not be enclosed in quotes/,
    ],
    ["SELECT Id FROM Opportunity WHERE IsWon = 'true'", 'MALFORMED_QUERY', /must be of type boolean/],
    ["SELECT Id FROM Opportunity WHERE Amount > '1'", 'MALFORMED_QUERY', /must be of type double/],
    ['SELECT Id FROM Opportunity WHERE CloseDate = TODAY', 'MALFORMED_QUERY', /not supported/],
    ['SELECT Id FROM Opportunity GROUP BY Id', 'MALFORMED_QUERY', /GROUP BY/],
    [
      'SELECT Id FROM Opportunity WHERE Id IN (SELECT OpportunityId FROM OpportunitySplit)',
      'MALFORMED_QUERY',
      /semi-join/,
    ],
  ])('%s → %s', (soql, code, message) => {
    try {
      run(store, soql);
      expect.unreachable('the query should have failed');
    } catch (err) {
      expect(err).toBeInstanceOf(SoqlError);
      expect((err as SoqlError).errorCode).toBe(code);
      expect((err as SoqlError).message).toMatch(message);
    }
  });
});

describe('keyset pages', () => {
  it('the binary-searched start returns what a full scan returns', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 999 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 0, max: 29 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 10 }),
        (keys, day, n, limit) => {
          const store = new OrgStore();
          const seen = new Set<string>();
          for (const [d, i] of keys) {
            const id = `006${String(i).padStart(4, '0')}`;
            if (seen.has(id)) continue;
            seen.add(id);
            store
              .table('Opportunity')
              .put({ Id: id, CloseDate: `2026-02-${String(d).padStart(2, '0')}` } as SfRecord);
          }
          const date = `2026-02-${String(Math.max(1, day)).padStart(2, '0')}`;
          const after = `006${String(n).padStart(4, '0')}`;
          const page = run(
            store,
            `SELECT Id FROM Opportunity WHERE (CloseDate > ${date} OR (CloseDate = ${date} AND Id > '${after}')) ORDER BY CloseDate, Id LIMIT ${limit}`,
          );
          const all = [...store.table('Opportunity').rows.values()]
            .map((r) => [String(r['CloseDate']), r.Id] as const)
            .filter(([c, id]) => c > date || (c === date && id > after))
            .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
            .slice(0, limit)
            .map(([, id]) => id);
          expect(ids(page)).toEqual(all);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the sorted view behind ORDER BY ... LIMIT', () => {
  type Op =
    | { kind: 'insert' | 'move'; id: number; day: number }
    | { kind: 'amount'; id: number; amount: number }
    | { kind: 'delete'; id: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constantFrom('insert' as const, 'move' as const),
      id: fc.integer({ min: 0, max: 30 }),
      day: fc.integer({ min: 1, max: 9 }),
    }),
    fc.record({
      kind: fc.constant('amount' as const),
      id: fc.integer({ min: 0, max: 30 }),
      amount: fc.nat(9),
    }),
    fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 30 }) }),
  );

  it('answers with the current rows in the current order after any inserts, updates and deletes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (ops, limit) => {
        const store = new OrgStore();
        const table = store.table('Opportunity');
        const query = `SELECT Id, CloseDate, Amount FROM Opportunity WHERE Amount > 2 ORDER BY CloseDate, Id LIMIT ${limit}`;
        for (const o of ops) {
          const id = `006${String(o.id).padStart(4, '0')}`;
          const old = table.get(id);
          if (o.kind === 'delete') table.delete(id);
          else if (o.kind === 'insert' || (o.kind === 'move' && old !== undefined))
            table.put({ Amount: 5, ...old, Id: id, CloseDate: `2026-02-0${o.day}` } as SfRecord);
          else if (o.kind === 'amount' && old !== undefined) table.put({ ...old, Amount: o.amount });
          // Runs after every step, so a view built earlier is what the next step is checked against.
          const expected = [...table.rows.values()]
            .filter((r) => (r['Amount'] as number) > 2)
            .sort(
              (a, b) =>
                String(a['CloseDate']).localeCompare(String(b['CloseDate'])) || a.Id.localeCompare(b.Id),
            )
            .slice(0, limit)
            .map((r) => ({ Id: r.Id, CloseDate: r['CloseDate'], Amount: r['Amount'] }));
          expect(run(store, query).map(({ attributes: _, ...r }) => r)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is kept when only fields outside the ORDER BY change', () => {
    const store = org();
    const table = store.table('Opportunity');
    const query = 'SELECT Id, Amount FROM Opportunity ORDER BY CloseDate, Id LIMIT 2';
    expect(run(store, query).map((r) => r['Amount'])).toEqual([100, 200]);
    const before = table.fieldVersion('CloseDate');
    table.put({ ...table.get('006B')!, Amount: 250 });
    expect(table.fieldVersion('CloseDate')).toBe(before);
    expect(run(store, query).map((r) => r['Amount'])).toEqual([100, 250]);
    table.put({ ...table.get('006A')!, CloseDate: '2026-12-31' });
    expect(table.fieldVersion('CloseDate')).toBe(before + 1);
    expect(ids(run(store, query))).toEqual(['006B', '006C']);
  });
});

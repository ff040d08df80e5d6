/**
 * The sandbox's org in memory: one table per sObject, each with its rows by Id and indexes on the
 * fields queries filter by (WhatId, EventId, OwnerId...), so `WhatId IN (2,000 ids)` is 2,000 map
 * lookups rather than a scan. Lookup fields are indexed once an org is loaded, as Salesforce
 * indexes them (at 100k deals, the first backfill page spent 1.2 s building the Event, Task and
 * relation indexes); any other field is indexed when a query first filters by it. Records are
 * immutable: an update replaces the object, so an open query cursor keeps serving the rows as they
 * were when it was opened, as Salesforce's do.
 *
 * Values are stored as Salesforce types them: dates as 'YYYY-MM-DD' strings, datetimes as canonical
 * UTC strings (datetime.ts; formatted on the way out), numbers as numbers, references as id strings.
 */
import { makeSalesforceId } from '../salesforce-id.js';
import { storedDateTime } from './datetime.js';
import { type ObjectDef, standardObjects } from './schema.js';

export type SfValue = string | number | boolean | null;
export type SfRecord = { readonly Id: string } & { readonly [field: string]: SfValue | undefined };

/** Characters 4-6 of the ids the sandbox mints, distinct from the org generator's. */
const SANDBOX_POD = '7s0';

const NONE: readonly SfRecord[] = [];

export class Table {
  readonly rows = new Map<string, SfRecord>();
  /** field → value → the records holding it (the current objects, replaced on update). */
  private readonly indexes = new Map<string, Map<SfValue, SfRecord[]>>();
  /** Bumped on every change. */
  version = 0;
  /** Bumped when a row is added or removed, not when one is updated. */
  membership = 0;
  /**
   * field → bumped whenever a row's value of it changes; kept only for the fields someone asked
   * about (`fieldVersion`), so a cache over a few fields (a sorted view on CloseDate, Id) survives
   * updates of the others, as a backfill writing playercoach's fields between its pages makes.
   */
  private readonly fieldVersions = new Map<string, number>();

  constructor(public def: ObjectDef) {}

  fieldVersion(field: string): number {
    let v = this.fieldVersions.get(field);
    if (v === undefined) {
      v = 0;
      this.fieldVersions.set(field, v);
    }
    return v;
  }

  get(id: string): SfRecord | undefined {
    return this.rows.get(id);
  }

  /** Inserts or replaces a record, keeping every built index current. */
  put(rec: SfRecord): void {
    const old = this.rows.get(rec.Id);
    for (const [field, index] of this.indexes) {
      if (old !== undefined) removeFromIndex(index, old[field] ?? null, old);
      addToIndex(index, rec[field] ?? null, rec);
    }
    this.rows.set(rec.Id, rec);
    this.version++;
    if (old === undefined) this.membership++;
    else
      for (const [field, v] of this.fieldVersions)
        if ((old[field] ?? null) !== (rec[field] ?? null)) this.fieldVersions.set(field, v + 1);
  }

  delete(id: string): SfRecord | undefined {
    const old = this.rows.get(id);
    if (old === undefined) return undefined;
    for (const [field, index] of this.indexes) removeFromIndex(index, old[field] ?? null, old);
    this.rows.delete(id);
    this.version++;
    this.membership++;
    return old;
  }

  /** Rows whose `field` equals one of `values` (canonical field name), through an index built on first use. */
  lookup(field: string, values: readonly SfValue[]): SfRecord[] {
    if (field === 'Id') {
      const out: SfRecord[] = [];
      for (const v of values) {
        const rec = typeof v === 'string' ? this.rows.get(v) : undefined;
        if (rec !== undefined) out.push(rec);
      }
      return out;
    }
    if (values.length === 1) return this.rowsWith(field, values[0]!).slice();
    const index = this.indexFor(field);
    const out: SfRecord[] = [];
    const seen = new Set<SfValue>();
    for (const v of values) {
      if (seen.has(v)) continue;
      seen.add(v);
      const recs = index.get(v);
      if (recs !== undefined) for (const rec of recs) out.push(rec);
    }
    return out;
  }

  /** The rows whose `field` (not Id) equals `value`: the index's own list, to read and not keep. */
  rowsWith(field: string, value: SfValue): readonly SfRecord[] {
    return this.indexFor(field).get(value) ?? NONE;
  }

  /** Builds the index of every lookup (reference) field that has none yet. */
  indexReferences(): void {
    for (const f of this.def.fields.values()) if (f.type === 'reference') this.indexFor(f.name);
  }

  private indexFor(field: string): Map<SfValue, SfRecord[]> {
    let index = this.indexes.get(field);
    if (index === undefined) {
      index = new Map();
      for (const rec of this.rows.values()) addToIndex(index, rec[field] ?? null, rec);
      this.indexes.set(field, index);
    }
    return index;
  }
}

function addToIndex(index: Map<SfValue, SfRecord[]>, value: SfValue, rec: SfRecord): void {
  const recs = index.get(value);
  if (recs === undefined) index.set(value, [rec]);
  else recs.push(rec);
}

function removeFromIndex(index: Map<SfValue, SfRecord[]>, value: SfValue, rec: SfRecord): void {
  const recs = index.get(value);
  if (recs === undefined) return;
  const at = recs.indexOf(rec);
  if (at >= 0) recs.splice(at, 1);
  if (recs.length === 0) index.delete(value);
}

export interface OrgStoreOptions {
  /** The sandbox clock in epoch ms; tests may pin it. */
  clock?: () => number;
}

export class OrgStore {
  /** Visible objects, keyed by lower-case name. Custom objects appear once the Metadata API creates them. */
  private readonly objects = new Map<string, ObjectDef>();
  private readonly tables = new Map<string, Table>();
  /** Records loaded for a custom object that is not installed yet (quotas an admin entered). */
  private readonly pending = new Map<string, SfRecord[]>();
  private readonly counters = new Map<string, number>();
  private readonly customPrefixes = new Map<string, string>();
  private readonly autoNumbers = new Map<string, number>();
  readonly clock: () => number;
  private stampSecond = Number.NaN;
  private stampText = '';

  constructor(options: OrgStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    for (const def of standardObjects()) this.addObject(def);
  }

  /** Salesforce stamps records to the second, so many records share a SystemModstamp (and its string). */
  stamp(): string {
    const second = Math.floor(this.clock() / 1000);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      this.stampText = storedDateTime(second * 1000);
    }
    return this.stampText;
  }

  object(name: string): ObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  allObjects(): ObjectDef[] {
    return [...this.objects.values()];
  }

  addObject(def: ObjectDef): void {
    this.objects.set(def.name.toLowerCase(), def);
    if (!this.tables.has(def.name)) this.tables.set(def.name, new Table(def));
    const waiting = this.pending.get(def.name);
    if (waiting !== undefined) {
      const table = this.tables.get(def.name)!;
      for (const rec of waiting)
        table.put(def.autoNumberFormat ? { ...rec, Name: this.nextAutoNumber(def) } : rec);
      this.pending.delete(def.name);
    }
  }

  /**
   * Indexes every lookup field of the tables that hold rows, as Salesforce indexes lookup fields:
   * run once an org is loaded, so its first queries do not pay for building them.
   */
  indexReferences(): void {
    for (const table of this.tables.values()) if (table.rows.size > 0) table.indexReferences();
  }

  table(name: string): Table {
    const def = this.object(name);
    const table = def === undefined ? undefined : this.tables.get(def.name);
    if (table === undefined) throw new Error(`no table for sObject ${name}`);
    return table;
  }

  hasTable(name: string): boolean {
    const def = this.object(name);
    return def !== undefined && this.tables.has(def.name);
  }

  /** Keeps records of a custom object that does not exist yet; they appear when it is created. */
  addPending(objectName: string, rec: SfRecord): void {
    const list = this.pending.get(objectName) ?? [];
    list.push(rec);
    this.pending.set(objectName, list);
  }

  /** The record with this Id in any table, trying the table its key prefix names first. */
  findById(id: string): { table: Table; rec: SfRecord } | undefined {
    const prefix = id.slice(0, 3);
    for (const table of this.tables.values()) {
      if (table.def.keyPrefix !== prefix) continue;
      const rec = table.get(id);
      if (rec !== undefined) return { table, rec };
    }
    for (const table of this.tables.values()) {
      const rec = table.get(id);
      if (rec !== undefined) return { table, rec };
    }
    return undefined;
  }

  /** The key prefix of a custom object (a00, a01, ...), fixed the first time its name is seen. */
  customPrefix(objectName: string): string {
    let prefix = this.customPrefixes.get(objectName.toLowerCase());
    if (prefix === undefined) {
      prefix = `a0${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[this.customPrefixes.size % 36]}`;
      this.customPrefixes.set(objectName.toLowerCase(), prefix);
    }
    return prefix;
  }

  /** An id for a record of a custom object that may not be installed yet. */
  newCustomId(objectName: string): string {
    const keyPrefix = this.customPrefix(objectName);
    const def = this.object(objectName);
    return this.newId(def ?? { name: objectName, keyPrefix });
  }

  /** The next value of an autonumber name field: 'PCA-{000000}' → 'PCA-000001'. */
  nextAutoNumber(def: ObjectDef): string {
    const n = (this.autoNumbers.get(def.name) ?? 0) + 1;
    this.autoNumbers.set(def.name, n);
    return (def.autoNumberFormat ?? '{0}').replace(/\{(0+)\}/, (_m, zeros: string) =>
      String(n).padStart(zeros.length, '0'),
    );
  }

  newId(def: Pick<ObjectDef, 'name' | 'keyPrefix'>): string {
    const table = this.tables.get(def.name);
    for (;;) {
      const n = (this.counters.get(def.keyPrefix) ?? 0) + 1;
      this.counters.set(def.keyPrefix, n);
      const id = makeSalesforceId(def.keyPrefix, SANDBOX_POD, n);
      if (table?.get(id) === undefined) return id;
    }
  }
}

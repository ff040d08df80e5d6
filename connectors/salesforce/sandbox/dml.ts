/**
 * Inserts, updates, upserts and deletes as the API performs them, shared by the sObject
 * resources, sObject Collections and Bulk API ingest: field checks (existence, field-level
 * security, types, references), the fields Salesforce derives (IsWon from StageName, an event's
 * AccountId from its What, the child event of a user invitee), audit stamps, and the change
 * notifications Outbound Messages send. Writes are two-phase, so allOrNone can roll back.
 */
import { DateTime } from 'luxon';
import type { Access } from './access.js';
import { parseDateTime, storedDateTime } from './datetime.js';
import type { OrgStore, SfRecord, SfValue, Table } from './org-store.js';
import { type FieldDef, fieldOf, type ObjectDef } from './schema.js';
import type { SwitchBoard } from './switches.js';

export interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}

export interface SaveResult {
  id: string | null;
  success: boolean;
  errors: SaveError[];
  created?: boolean;
}

/** A failure of the whole request (400 INVALID_FIELD, 404 NOT_FOUND), in REST's error format. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export type InputRecord = Record<string, unknown>;

/** Where values come from: JSON keeps types; Bulk API CSV has strings, '' = unchanged, '#N/A' = null. */
export type InputSource = 'json' | 'csv';

export interface DmlOptions {
  source?: InputSource;
  /** Draw per-record UNABLE_TO_LOCK_ROW failures from the switches (collections and bulk). */
  lockFailures?: boolean;
}

/**
 * A prepared change, committed only if the whole request may go ahead: the record to store (none
 * for a failure). Data rather than a commit closure: a collection prepares hundreds at a time.
 */
interface Pending {
  result: SaveResult;
  write: { table: Table; def: ObjectDef; rec: SfRecord; inserted: boolean } | null;
}

/**
 * What one request has worked out about its writer's field permissions, so a collection of 200
 * records (or a bulk batch) asks Access once per object and field rather than once per record.
 */
class PermissionMemo {
  private readonly readable = new Map<ObjectDef, Map<string, FieldDef>>();
  private readonly editable = new Map<ObjectDef, Map<FieldDef, boolean>>();

  constructor(
    private readonly access: Access,
    readonly userId: string,
  ) {}

  readableFields(def: ObjectDef): Map<string, FieldDef> {
    let fields = this.readable.get(def);
    if (fields === undefined) {
      fields = this.access.readableFields(this.userId, def);
      this.readable.set(def, fields);
    }
    return fields;
  }

  canEditField(def: ObjectDef, field: FieldDef): boolean {
    let fields = this.editable.get(def);
    if (fields === undefined) {
      fields = new Map();
      this.editable.set(def, fields);
    }
    let ok = fields.get(field);
    if (ok === undefined) {
      ok = this.access.canEditField(this.userId, def, field);
      fields.set(field, ok);
    }
    return ok;
  }
}

const REQUIRED_ON_INSERT: Record<string, string[]> = {
  Opportunity: ['Name', 'StageName', 'CloseDate'],
  Account: ['Name'],
  Contact: ['LastName'],
  EventRelation: ['EventId', 'RelationId'],
  TaskRelation: ['TaskId', 'RelationId'],
  PermissionSetAssignment: ['AssigneeId', 'PermissionSetId'],
};

export type ChangeListener = (objectName: string, rec: SfRecord) => void;

export class Dml {
  private readonly listeners: ChangeListener[] = [];

  constructor(
    private readonly store: OrgStore,
    private readonly access: Access,
    private readonly switches: SwitchBoard,
  ) {}

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Rejects the whole request when a field does not exist or is invisible, as the REST API does. */
  checkFieldNames(userId: string, def: ObjectDef, inputs: readonly InputRecord[]): void {
    const check = this.fieldNameCheck(userId);
    for (const input of inputs) check(def, input);
  }

  /** checkFieldNames for the records of one request, one at a time, in any mix of objects. */
  fieldNameCheck(userId: string): (def: ObjectDef, input: InputRecord) => void {
    const memo = new PermissionMemo(this.access, userId);
    return (def, input) => {
      const readable = memo.readableFields(def);
      for (const key of Object.keys(input)) {
        if (key === 'attributes' || key.toLowerCase() === 'id') continue;
        if (!readable.has(key.toLowerCase())) {
          throw new RequestError(
            400,
            'INVALID_FIELD',
            `No such column '${key}' on sobject of type ${def.name}`,
          );
        }
      }
    };
  }

  update(
    userId: string,
    def: ObjectDef,
    id: string,
    input: InputRecord,
    options: DmlOptions = {},
  ): SaveResult {
    const memo = new PermissionMemo(this.access, userId);
    return this.run([this.prepareUpdate(memo, def, id, input, options)], false)[0]!;
  }

  insert(userId: string, def: ObjectDef, input: InputRecord, options: DmlOptions = {}): SaveResult {
    const memo = new PermissionMemo(this.access, userId);
    return this.run([this.prepareInsert(memo, def, input, options)], false)[0]!;
  }

  /** Several records in one transaction (collections, a bulk batch). */
  many(
    userId: string,
    items: readonly {
      def: ObjectDef;
      op: 'insert' | 'update' | 'upsert';
      input: InputRecord;
      extField?: string;
    }[],
    allOrNone: boolean,
    options: DmlOptions = {},
  ): SaveResult[] {
    const seenExt = new Set<string>();
    const memo = new PermissionMemo(this.access, userId);
    const prepared = items.map((item) => {
      if (item.op === 'insert') return this.prepareInsert(memo, item.def, item.input, options);
      if (item.op === 'update') {
        const id = recordId(item.input);
        if (id === null) return failed(null, 'MISSING_ARGUMENT', 'Id not specified in an update call', []);
        return this.prepareUpdate(memo, item.def, id, item.input, options);
      }
      const extField = item.extField!;
      const extValue = item.input[extField];
      const key = String(extValue).toLowerCase();
      if (seenExt.has(key)) {
        return failed(null, 'DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${String(extValue)}`, [
          extField,
        ]);
      }
      seenExt.add(key);
      return this.prepareUpsert(memo, item.def, extField, item.input, options);
    });
    return this.run(prepared, allOrNone);
  }

  upsert(
    userId: string,
    def: ObjectDef,
    extField: string,
    input: InputRecord,
    options: DmlOptions = {},
  ): SaveResult {
    const memo = new PermissionMemo(this.access, userId);
    return this.run([this.prepareUpsert(memo, def, extField, input, options)], false)[0]!;
  }

  delete(def: ObjectDef, id: string): SaveResult {
    const table = this.store.table(def.name);
    if (table.get(id) === undefined) {
      return failed(id, 'ENTITY_IS_DELETED', 'entity is deleted', []).result;
    }
    table.delete(id);
    if (def.name === 'Event' || def.name === 'Task') {
      const relTable = this.store.table(def.name === 'Event' ? 'EventRelation' : 'TaskRelation');
      for (const rel of relTable.lookup(def.name === 'Event' ? 'EventId' : 'TaskId', [id]))
        relTable.delete(rel.Id);
    }
    return { id, success: true, errors: [] };
  }

  private run(prepared: Pending[], allOrNone: boolean): SaveResult[] {
    const anyFailed = prepared.some((p) => !p.result.success);
    if (allOrNone && anyFailed) {
      return prepared.map((p) =>
        p.result.success
          ? {
              id: p.result.id,
              success: false,
              errors: [
                {
                  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                  message:
                    'Record rolled back because not all records were valid and the request was using AllOrNone header',
                  fields: [],
                },
              ],
            }
          : p.result,
      );
    }
    for (const { result, write } of prepared) {
      if (!result.success || write === null) continue;
      write.table.put(write.rec);
      this.afterWrite(write.def, write.rec, write.inserted);
    }
    return prepared.map((p) => p.result);
  }

  private prepareUpsert(
    memo: PermissionMemo,
    def: ObjectDef,
    extField: string,
    input: InputRecord,
    options: DmlOptions,
  ): Pending {
    const field = fieldOf(def, extField);
    if (field === undefined || (field.externalId !== true && field.type !== 'id')) {
      throw new RequestError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${extField}`,
      );
    }
    const value = input[extField] ?? input[field.name];
    if (value === undefined || value === null || value === '') {
      return failed(null, 'MISSING_ARGUMENT', `${field.name} not specified`, [field.name]);
    }
    const table = this.store.table(def.name);
    const matches = table.lookup(field.name, [String(value)]);
    if (matches.length > 1) {
      return failed(
        null,
        'DUPLICATE_EXTERNAL_ID',
        `${field.name}: more than one record found for external id field`,
        [field.name],
      );
    }
    if (matches.length === 1) {
      const p = this.prepareUpdate(memo, def, matches[0]!.Id, input, options);
      p.result.created = false;
      return p;
    }
    const p = this.prepareInsert(memo, def, input, options);
    p.result.created = true;
    return p;
  }

  private prepareUpdate(
    memo: PermissionMemo,
    def: ObjectDef,
    id: string,
    input: InputRecord,
    options: DmlOptions,
  ): Pending {
    const table = this.store.table(def.name);
    const current = table.get(id);
    if (current === undefined) {
      return failed(id, 'ENTITY_IS_DELETED', `entity is deleted or does not exist: ${id}`, []);
    }
    if (!this.access.canEditObject(memo.userId, def)) {
      return failed(id, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id', []);
    }
    const values = this.convert(memo, def, input, options.source ?? 'json', id);
    if ('error' in values)
      return failed(id, values.error.statusCode, values.error.message, values.error.fields);
    if (options.lockFailures && this.switches.takeLockFailure()) {
      return failed(
        id,
        'UNABLE_TO_LOCK_ROW',
        `unable to obtain exclusive access to this record or 1 records: ${id}`,
        [],
      );
    }
    const stamp = this.store.stamp();
    // Object.assign, not spread: the same copy, but spreading a record loaded at start-up took V8's
    // slow path, several times the cost, and a backfill updates every won deal once.
    const next = this.derive(
      def,
      Object.assign({}, current, values.row, { LastModifiedDate: stamp, SystemModstamp: stamp }),
    );
    return { result: { id, success: true, errors: [] }, write: { table, def, rec: next, inserted: false } };
  }

  private prepareInsert(
    memo: PermissionMemo,
    def: ObjectDef,
    input: InputRecord,
    options: DmlOptions,
  ): Pending {
    const userId = memo.userId;
    if (!this.access.canCreateObject(userId, def)) {
      return failed(null, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object', []);
    }
    const values = this.convert(memo, def, input, options.source ?? 'json', null);
    if ('error' in values)
      return failed(null, values.error.statusCode, values.error.message, values.error.fields);
    const missing = (REQUIRED_ON_INSERT[def.name] ?? []).filter(
      (f) => values.row[f] === undefined || values.row[f] === null,
    );
    if (def.custom && def.autoNumberFormat === undefined && values.row['Name'] == null) missing.push('Name');
    if (missing.length > 0) {
      return failed(
        null,
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      );
    }
    if (options.lockFailures && this.switches.takeLockFailure()) {
      return failed(
        null,
        'UNABLE_TO_LOCK_ROW',
        'unable to obtain exclusive access to this record or 1 records',
        [],
      );
    }
    const table = this.store.table(def.name);
    if (def.name === 'EventRelation' || def.name === 'TaskRelation') {
      const merged = this.mergeRelation(table, def, values.row);
      if (merged !== null) return merged;
    }
    const id = this.store.newId(def);
    const stamp = this.store.stamp();
    const base: Record<string, SfValue> = {
      Id: id,
      CreatedDate: stamp,
      LastModifiedDate: stamp,
      SystemModstamp: stamp,
    };
    if (def.autoNumberFormat !== undefined) base['Name'] = this.store.nextAutoNumber(def);
    if (def.fields.has('ownerid') && values.row['OwnerId'] == null) base['OwnerId'] = userId;
    const rec = this.derive(def, { ...base, ...values.row, Id: id } as SfRecord);
    return { result: { id, success: true, errors: [] }, write: { table, def, rec, inserted: true } };
  }

  /** A relation row for a person already related to the activity updates that row (flags are ORed). */
  private mergeRelation(table: Table, def: ObjectDef, row: Record<string, SfValue>): Pending | null {
    const parentField = def.name === 'EventRelation' ? 'EventId' : 'TaskId';
    const existing = table
      .lookup(parentField, [row[parentField] ?? null])
      .find((r) => r['RelationId'] === row['RelationId']);
    if (existing === undefined) return null;
    const stamp = this.store.stamp();
    const merged: Record<string, SfValue> = { ...existing, LastModifiedDate: stamp, SystemModstamp: stamp };
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === 'boolean') merged[k] = v || existing[k] === true;
      else if (v !== null) merged[k] = v;
    }
    return {
      result: { id: existing.Id, success: true, errors: [] },
      write: { table, def, rec: merged as SfRecord, inserted: true },
    };
  }

  /** API input → stored values, or the per-record error Salesforce would give. */
  private convert(
    memo: PermissionMemo,
    def: ObjectDef,
    input: InputRecord,
    source: InputSource,
    id: string | null,
  ): { row: Record<string, SfValue> } | { error: SaveError } {
    const row: Record<string, SfValue> = {};
    const readOnly: string[] = [];
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes' || key.toLowerCase() === 'id') continue;
      const field = fieldOf(def, key);
      if (field === undefined) {
        return {
          error: {
            statusCode: 'INVALID_FIELD',
            message: `No such column '${key}' on sobject of type ${def.name}`,
            fields: [key],
          },
        };
      }
      if (source === 'csv' && raw === '') continue;
      const editable = id === null ? field.createable : field.updateable;
      if (!editable || !memo.canEditField(def, field)) {
        readOnly.push(field.name);
        continue;
      }
      const value = source === 'csv' && raw === '#N/A' ? null : raw;
      const converted = this.value(field, value, source);
      if (typeof converted === 'object' && converted !== null) return { error: converted };
      row[field.name] = converted;
    }
    if (readOnly.length > 0) {
      return {
        error: {
          statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          fields: readOnly,
        },
      };
    }
    return { row };
  }

  private value(field: FieldDef, raw: unknown, source: InputSource): SfValue | SaveError {
    if (raw === null) {
      if (!field.nillable) {
        return {
          statusCode: 'REQUIRED_FIELD_MISSING',
          message: `Required fields are missing: [${field.name}]`,
          fields: [field.name],
        };
      }
      return null;
    }
    switch (field.type) {
      case 'boolean':
        if (typeof raw === 'boolean') return raw;
        if (raw === 'true' || raw === 'false') return raw === 'true';
        return notOfType(field, source, String(raw));
      case 'date':
        if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && DateTime.fromISO(raw).isValid)
          return raw;
        return notOfType(field, source, String(raw));
      case 'datetime': {
        const stored = typeof raw === 'string' ? parseDateTime(raw) : null;
        return stored ?? notOfType(field, source, String(raw));
      }
      case 'double':
      case 'int':
      case 'currency':
      case 'percent': {
        const n =
          typeof raw === 'number'
            ? raw
            : typeof raw === 'string' && raw.trim() !== ''
              ? Number(raw)
              : Number.NaN;
        if (!Number.isFinite(n)) return notOfType(field, source, String(raw));
        if (field.type === 'int') return Math.round(n);
        const scale = field.scale ?? (field.type === 'double' ? 9 : 2);
        return Number(n.toFixed(scale));
      }
      case 'reference': {
        if (typeof raw !== 'string') return notOfType(field, source, String(raw));
        const target = this.store.findById(raw);
        if (target === undefined || !(field.referenceTo ?? []).includes(target.table.def.name)) {
          return {
            statusCode: 'FIELD_INTEGRITY_EXCEPTION',
            message: `${field.label}: id value of incorrect type: ${raw}`,
            fields: [field.name],
          };
        }
        return raw;
      }
      default: {
        const s =
          typeof raw === 'string'
            ? raw
            : typeof raw === 'number' || typeof raw === 'boolean'
              ? String(raw)
              : null;
        if (s === null) return notOfType(field, source, typeof raw);
        const max = field.length ?? (field.type === 'textarea' ? 131_072 : 255);
        if (s.length > max) {
          return {
            statusCode: 'STRING_TOO_LONG',
            message: `${field.label}: data value too large: ${s.slice(0, 40)}...`,
            fields: [field.name],
          };
        }
        return s;
      }
    }
  }

  /** The fields Salesforce computes from others, set on `out`: a record object not stored yet, the caller's own. */
  private derive(def: ObjectDef, out: Record<string, SfValue | undefined>): SfRecord {
    switch (def.name) {
      case 'Opportunity': {
        const stage = String(out['StageName'] ?? '');
        out['IsClosed'] = stage === 'Closed Won' || stage === 'Closed Lost';
        out['IsWon'] = stage === 'Closed Won';
        if (out['IsClosed']) {
          out['Probability'] = out['IsWon'] ? 100 : 0;
          out['ForecastCategoryName'] = out['IsWon'] ? 'Closed' : 'Omitted';
        }
        break;
      }
      case 'Event':
      case 'Task': {
        out['AccountId'] = this.accountOf(out['WhatId']);
        if (def.name === 'Event') {
          out['IsChild'] = out['IsChild'] === true;
          const start = out['StartDateTime'];
          if (typeof start === 'string') {
            const ms = Date.parse(start);
            out['ActivityDateTime'] = start;
            if (out['EndDateTime'] == null) {
              out['EndDateTime'] = storedDateTime(ms + Number(out['DurationInMinutes'] ?? 30) * 60_000);
            }
            out['ActivityDate'] = this.dateInOrgZone(ms);
          }
        } else {
          out['IsClosed'] = out['Status'] === 'Completed';
        }
        break;
      }
      case 'EventRelation':
      case 'TaskRelation': {
        const parent = this.store
          .table(def.name === 'EventRelation' ? 'Event' : 'Task')
          .get(String(out[def.name === 'EventRelation' ? 'EventId' : 'TaskId']));
        out['AccountId'] = parent?.['AccountId'] ?? null;
        break;
      }
    }
    return withoutNulls(out);
  }

  private accountOf(whatId: SfValue | undefined): SfValue {
    if (typeof whatId !== 'string') return null;
    const what = this.store.findById(whatId);
    if (what === undefined) return null;
    if (what.table.def.name === 'Account') return whatId;
    return what.rec['AccountId'] ?? null;
  }

  private dateInOrgZone(ms: number): string {
    const org = this.store.table('Organization').rows.values().next().value;
    const zone = typeof org?.['TimeZoneSidKey'] === 'string' ? org['TimeZoneSidKey'] : 'UTC';
    return DateTime.fromMillis(ms, { zone }).toISODate()!;
  }

  private afterWrite(def: ObjectDef, rec: SfRecord, inserted: boolean): void {
    if (inserted && def.name === 'EventRelation') this.addChildEvent(rec);
    if (inserted && (def.name === 'Event' || def.name === 'Task') && rec['IsChild'] !== true)
      this.addWhoWhatRelations(def, rec);
    for (const listener of this.listeners) listener(def.name, rec);
  }

  /** Inviting a user makes Salesforce create a child event owned by that user. */
  private addChildEvent(relation: SfRecord): void {
    if (relation['IsInvitee'] !== true || typeof relation['RelationId'] !== 'string') return;
    const user = this.store.table('User').get(relation['RelationId']);
    const events = this.store.table('Event');
    const parent = events.get(String(relation['EventId']));
    if (user === undefined || parent === undefined) return;
    const existing = events
      .lookup('OwnerId', [user.Id])
      .find(
        (e) =>
          e['IsChild'] === true &&
          e['StartDateTime'] === parent['StartDateTime'] &&
          e['WhatId'] === parent['WhatId'],
      );
    if (existing !== undefined) return;
    const eventDef = this.store.object('Event')!;
    const stamp = this.store.stamp();
    const child: Record<string, SfValue> = {
      ...parent,
      Id: this.store.newId(eventDef),
      OwnerId: user.Id,
      IsChild: true,
    };
    child['CreatedDate'] = stamp;
    child['LastModifiedDate'] = stamp;
    child['SystemModstamp'] = stamp;
    events.put(child as SfRecord);
  }

  /** With Shared Activities, the Who and the What of an activity are relation rows too. */
  private addWhoWhatRelations(def: ObjectDef, rec: SfRecord): void {
    const isEvent = def.name === 'Event';
    const relDef = this.store.object(isEvent ? 'EventRelation' : 'TaskRelation')!;
    const relTable = this.store.table(relDef.name);
    const parentField = isEvent ? 'EventId' : 'TaskId';
    const existing = new Set(relTable.lookup(parentField, [rec.Id]).map((r) => r['RelationId']));
    const stamp = this.store.stamp();
    const add = (relationId: SfValue | undefined, flags: Record<string, boolean>) => {
      if (typeof relationId !== 'string' || existing.has(relationId)) return;
      existing.add(relationId);
      const row: Record<string, SfValue> = {
        Id: this.store.newId(relDef),
        [parentField]: rec.Id,
        RelationId: relationId,
        IsWhat: false,
        ...(isEvent ? { IsInvitee: false, IsParent: false } : {}),
        ...flags,
        CreatedDate: stamp,
        LastModifiedDate: stamp,
        SystemModstamp: stamp,
      };
      const accountId = rec['AccountId'];
      if (typeof accountId === 'string') row['AccountId'] = accountId;
      relTable.put(row as SfRecord);
    };
    add(rec['WhoId'], isEvent ? { IsParent: true } : {});
    add(rec['WhatId'], { IsWhat: true });
  }
}

function recordId(input: InputRecord): string | null {
  for (const key of Object.keys(input)) {
    if (key.toLowerCase() === 'id' && typeof input[key] === 'string' && input[key] !== '')
      return input[key] as string;
  }
  return null;
}

/**
 * Stored records hold no nulls. A copy without them rather than `delete`: deleting turns an object
 * into a dictionary, slow to read for every query that serializes it afterwards.
 */
function withoutNulls(rec: Record<string, SfValue | undefined>): SfRecord {
  const keys = Object.keys(rec);
  if (keys.every((key) => rec[key] !== null && rec[key] !== undefined)) return rec as SfRecord;
  const out: Record<string, SfValue> = {};
  for (const key of keys) {
    const v = rec[key];
    if (v !== null && v !== undefined) out[key] = v;
  }
  return out as SfRecord;
}

function notOfType(field: FieldDef, source: InputSource, what: string): SaveError {
  return {
    statusCode: source === 'csv' ? 'INVALID_TYPE_ON_FIELD_IN_RECORD' : 'JSON_PARSER_ERROR',
    message: `${field.label}: value not of required type: ${what}`,
    fields: [field.name],
  };
}

function failed(id: string | null, statusCode: string, message: string, fields: string[]): Pending {
  return { result: { id, success: false, errors: [{ statusCode, message, fields }] }, write: null };
}

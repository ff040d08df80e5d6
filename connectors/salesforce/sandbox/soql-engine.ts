/**
 * A real SOQL subset, parsed with @jetstreamapp/soql-parser-js and evaluated against the org
 * store: field lists, parent paths (Owner.ManagerId, What.Type), child subqueries
 * (EventRelations, TaskRelations, OpportunitySplits), WHERE with AND/OR/NOT and parentheses,
 * = != < <= > >= IN NOT IN LIKE, null, date and datetime literals, ORDER BY on several fields
 * with ASC/DESC and NULLS FIRST/LAST, LIMIT, OFFSET and COUNT(). Anything else is refused with
 * the error Salesforce would give (INVALID_FIELD, INVALID_TYPE, MALFORMED_QUERY), so a connector
 * cannot come to depend on something the real API would reject.
 *
 * Speed: `Id IN (...)` and `<reference> IN (...)` in the top-level AND chain go through the
 * table's index, only matching rows are sorted, and a scan with ORDER BY + LIMIT walks a sorted
 * view cached until a row is added or removed or an ordered field changes, so keyset paging over
 * 100k opportunities stays cheap while a backfill writes other fields between its pages.
 */
import type {
  Condition,
  OrderByClause,
  FieldType as ParsedField,
  Query,
  Subquery,
  WhereClause,
} from '@jetstreamapp/soql-parser-js';
import type { Access } from './access.js';
import { parseDateTime } from './datetime.js';
import type { OrgStore, SfRecord, SfValue, Table } from './org-store.js';
import {
  type ChildRelationshipDef,
  type FieldDef,
  type FieldType,
  type ObjectDef,
  POLYMORPHIC_NAME_FIELDS,
  referenceByRelationship,
} from './schema.js';
import { parseSoql } from './soql-parse.js';

export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE';

export class SoqlError extends Error {
  constructor(
    readonly errorCode: SoqlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SoqlError';
  }
}

export interface QueryContext {
  store: OrgStore;
  access: Access;
  userId: string;
}

/** A parent hop: from a reference field to the record it names. */
export interface ParentStep {
  refField: string;
  relationshipName: string;
  /** The one target table, or null for polymorphic references (What, Who, Relation). */
  table: Table | null;
}

/** What the serializer writes for one record, in select order. */
export interface Shape {
  /** The attributes type: the object name, or 'Name' for a polymorphic parent. */
  type: string;
  entries: ShapeEntry[];
}

export type ShapeEntry =
  | { kind: 'field'; key: string; fieldType: FieldType | 'string' }
  | { kind: 'parent'; key: string; step: ParentStep; shape: Shape }
  | { kind: 'child'; key: string; sub: CompiledSubquery };

export interface CompiledSubquery {
  rel: ChildRelationshipDef;
  table: Table;
  shape: Shape;
  where: Predicate | null;
  order: Comparator | null;
  limit: number | null;
}

type Predicate = (rec: SfRecord) => boolean;
type Comparator = (a: SfRecord, b: SfRecord) => number;
type Getter = (rec: SfRecord) => SfValue;

export interface CompiledQuery {
  def: ObjectDef;
  table: Table;
  count: boolean;
  shape: Shape;
  where: Predicate | null;
  indexPlan: { field: string; values: SfValue[] } | null;
  /** For keyset pages, the position (values of the ORDER BY fields) the WHERE starts after. */
  keysetAfter: SfRecord | null;
  order: Comparator | null;
  orderKey: string | null;
  /** The queried object's fields the order reads; null when it follows a parent path. */
  orderFields: string[] | null;
  limit: number | null;
  offset: number;
}

const TEXT_TYPES = new Set<FieldType>(['string', 'email', 'picklist', 'textarea']);
const NUMBER_TYPES = new Set<FieldType>(['double', 'int', 'currency', 'percent']);

function noSuchColumn(field: string, object: string): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    `No such column '${field}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

function unsupported(what: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', `${what} is not supported by the playercoach sandbox`);
}

export function compileQuery(soql: string, ctx: QueryContext): CompiledQuery {
  let parsed: Query;
  try {
    parsed = parseSoql(soql);
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new SoqlError('MALFORMED_QUERY', `unexpected token in query: ${message}`);
  }
  if (parsed.sObject === undefined) throw new SoqlError('MALFORMED_QUERY', 'missing FROM');
  const def = ctx.store.object(parsed.sObject);
  if (def === undefined || !ctx.access.canReadObject(ctx.userId, def)) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${parsed.sObject}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  rejectUnsupportedClauses(parsed);
  const compiler = new Compiler(ctx);
  const fields = parsed.fields ?? [];
  const count =
    fields.length === 1 &&
    fields[0]!.type === 'FieldFunctionExpression' &&
    fields[0]!.functionName?.toUpperCase() === 'COUNT' &&
    fields[0]!.parameters.length === 0;
  const shape = count ? { type: def.name, entries: [] } : compiler.shape(def, fields);
  const ast = parsed.where ? parseWhere(parsed.where) : null;
  const table = ctx.store.table(def.name);
  const orderBy = normalizeOrderBy(parsed.orderBy);
  return {
    def,
    table,
    count,
    shape,
    where: ast ? compiler.predicate(def, ast) : null,
    indexPlan: ast ? compiler.indexPlan(def, ast) : null,
    keysetAfter: ast ? compiler.keysetAfter(def, ast, orderBy) : null,
    order: orderBy.length > 0 ? compiler.comparator(def, orderBy) : null,
    orderKey: orderBy.length > 0 ? JSON.stringify(orderBy) : null,
    orderFields: compiler.orderFields(def, orderBy),
    limit: parsed.limit ?? null,
    offset: parsed.offset ?? 0,
  };
}

function rejectUnsupportedClauses(q: Query | Subquery): void {
  if (q.groupBy !== undefined) throw unsupported('GROUP BY');
  if (q.having !== undefined) throw unsupported('HAVING');
  if (q.for !== undefined || q.update !== undefined) throw unsupported('FOR / UPDATE clauses');
  if (q.withDataCategory !== undefined) throw unsupported('WITH DATA CATEGORY');
  if (q.usingScope !== undefined) throw unsupported('USING SCOPE');
}

function normalizeOrderBy(orderBy: OrderByClause | OrderByClause[] | undefined): OrderByClause[] {
  if (orderBy === undefined) return [];
  return Array.isArray(orderBy) ? orderBy : [orderBy];
}

/** Runs a compiled query: the matching rows, ordered, after OFFSET and LIMIT. */
export function executeQuery(q: CompiledQuery): SfRecord[] {
  const { table } = q;
  if (q.indexPlan === null && q.order !== null && q.limit !== null && !q.count) {
    // Keyset pages: walk the cached sorted view and stop as soon as the page is full.
    const wanted = q.offset + q.limit;
    const out: SfRecord[] = [];
    const ids = sortedView(table, q.orderKey!, q.order, q.orderFields);
    for (
      let i = q.keysetAfter === null ? 0 : firstAfter(table, ids, q.keysetAfter, q.order);
      i < ids.length;
      i++
    ) {
      const rec = table.get(ids[i]!)!;
      if (q.where !== null && !q.where(rec)) continue;
      out.push(rec);
      if (out.length >= wanted) break;
    }
    return out.slice(q.offset);
  }
  const source: Iterable<SfRecord> =
    q.indexPlan === null ? table.rows.values() : table.lookup(q.indexPlan.field, q.indexPlan.values);
  const out: SfRecord[] = [];
  for (const rec of source) if (q.where === null || q.where(rec)) out.push(rec);
  out.sort(q.order ?? byId);
  const end = q.limit === null ? undefined : q.offset + q.limit;
  return q.offset > 0 || end !== undefined ? out.slice(q.offset, end) : out;
}

/** The rows of a child relationship for one parent, filtered, ordered and limited. */
export function childRows(sub: CompiledSubquery, parentId: string): SfRecord[] {
  const rows = sub.table.rowsWith(sub.rel.field, parentId);
  const out = sub.where === null ? rows.slice() : rows.filter(sub.where);
  out.sort(sub.order ?? byId);
  return sub.limit === null ? out : out.slice(0, sub.limit);
}

/** The index of the first row ordered strictly after `position` (binary search). */
function firstAfter(table: Table, ids: readonly string[], position: SfRecord, order: Comparator): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order(table.get(ids[mid]!)!, position) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function byId(a: SfRecord, b: SfRecord): number {
  return a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0;
}

/**
 * The ids of a table's rows in one ORDER BY, kept until a row is added or removed or one of the
 * ordered fields changes on some row. Ids rather than records: records are replaced on update,
 * so a view survives updates of the other fields and is read through the table's current rows.
 */
interface SortedView {
  /** `membership`, then the version of each ordered field, when the view was built. */
  stamp: number[];
  ids: string[];
}

const sortedViews = new WeakMap<Table, Map<string, SortedView>>();

function viewStamp(table: Table, fields: readonly string[] | null): number[] {
  // An order through a parent path depends on other tables: any change of this one rebuilds it.
  if (fields === null) return [table.version];
  return [table.membership, ...fields.map((f) => table.fieldVersion(f))];
}

function sortedView(
  table: Table,
  key: string,
  order: Comparator,
  fields: readonly string[] | null,
): string[] {
  let views = sortedViews.get(table);
  if (views === undefined) {
    views = new Map();
    sortedViews.set(table, views);
  }
  const stamp = viewStamp(table, fields);
  const cached = views.get(key);
  if (cached !== undefined && sameStamp(cached.stamp, stamp)) return cached.ids;
  const ids = [...table.rows.values()].sort(order).map((r) => r.Id);
  views.set(key, { stamp, ids });
  return ids;
}

function sameStamp(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// ---------------------------------------------------------------------------------------------
// WHERE: the parser gives a right-leaning chain with parenthesis counts; turn it into a tree.

type WhereAst =
  | { op: 'AND' | 'OR'; parts: WhereAst[] }
  | { op: 'NOT'; part: WhereAst }
  | { op: 'cond'; cond: Condition };

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | { cond: Condition };

function parseWhere(where: WhereClause): WhereAst {
  const tokens: Token[] = [];
  let node: WhereClause | undefined = where;
  while (node !== undefined) {
    const left = node.left as (Partial<Condition> & { openParen?: number; closeParen?: number }) | null;
    if (left !== null) {
      for (let i = 0; i < (left.openParen ?? 0); i++) tokens.push('(');
      if ('field' in left || 'fn' in left) tokens.push({ cond: left as Condition });
      for (let i = 0; i < (left.closeParen ?? 0); i++) tokens.push(')');
    }
    if ('operator' in node && node.operator !== undefined) tokens.push(node.operator);
    node = 'right' in node ? node.right : undefined;
  }
  let pos = 0;
  const peek = () => tokens[pos];
  const orExpr = (): WhereAst => {
    const parts = [andExpr()];
    while (peek() === 'OR') {
      pos++;
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0]! : { op: 'OR', parts };
  };
  const andExpr = (): WhereAst => {
    const parts = [notExpr()];
    while (peek() === 'AND') {
      pos++;
      parts.push(notExpr());
    }
    return parts.length === 1 ? parts[0]! : { op: 'AND', parts };
  };
  const notExpr = (): WhereAst => {
    if (peek() === 'NOT') {
      pos++;
      return { op: 'NOT', part: notExpr() };
    }
    const t = peek();
    if (t === '(') {
      pos++;
      const inner = orExpr();
      if (peek() !== ')') throw new SoqlError('MALFORMED_QUERY', 'unbalanced parentheses in WHERE');
      pos++;
      return inner;
    }
    if (t !== undefined && typeof t === 'object') {
      pos++;
      return { op: 'cond', cond: t.cond };
    }
    throw new SoqlError('MALFORMED_QUERY', `unexpected token in WHERE: ${String(t ?? 'end of query')}`);
  };
  const ast = orExpr();
  if (pos !== tokens.length) throw new SoqlError('MALFORMED_QUERY', 'unbalanced parentheses in WHERE');
  return ast;
}

// ---------------------------------------------------------------------------------------------

interface Resolved {
  get: Getter;
  type: FieldType;
  /** Canonical field name when the path is a direct field of the queried object. */
  directField: string | null;
  filterable: boolean;
}

class Compiler {
  private readonly readable = new Map<string, Map<string, FieldDef>>();
  /** A condition's literals, read once though the index plan, the keyset and the predicate all want them. */
  private readonly literals = new Map<Condition, SfValue[]>();

  constructor(private readonly ctx: QueryContext) {}

  private fieldsOf(def: ObjectDef): Map<string, FieldDef> {
    let fields = this.readable.get(def.name);
    if (fields === undefined) {
      fields = this.ctx.access.readableFields(this.ctx.userId, def);
      this.readable.set(def.name, fields);
    }
    return fields;
  }

  private literalValues(c: Condition, type: FieldType, field: string): SfValue[] {
    let values = this.literals.get(c);
    if (values === undefined) {
      values = literalValues(c, type, field);
      this.literals.set(c, values);
    }
    return values;
  }

  private field(def: ObjectDef, name: string): FieldDef {
    const f = this.fieldsOf(def).get(name.toLowerCase());
    if (f === undefined) throw noSuchColumn(name, def.name);
    return f;
  }

  private parentStep(def: ObjectDef, relationshipName: string): { step: ParentStep; def: ObjectDef | null } {
    const ref = referenceByRelationship(def, relationshipName);
    if (ref === undefined || !this.fieldsOf(def).has(ref.name.toLowerCase())) {
      throw new SoqlError(
        'INVALID_FIELD',
        `Didn't understand relationship '${relationshipName}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    const targets = ref.referenceTo ?? [];
    if (targets.length === 1) {
      const target = this.ctx.store.object(targets[0]!);
      if (target === undefined) throw noSuchColumn(relationshipName, def.name);
      return {
        step: {
          refField: ref.name,
          relationshipName: ref.relationshipName!,
          table: this.ctx.store.table(target.name),
        },
        def: target,
      };
    }
    return { step: { refField: ref.name, relationshipName: ref.relationshipName!, table: null }, def: null };
  }

  /** A field path (`CloseDate`, `Owner.ManagerId`, `What.Type`) as a getter on the queried object's rows. */
  resolve(def: ObjectDef, path: string): Resolved {
    const parts = path.split('.');
    const fieldName = parts.pop()!;
    if (parts.length === 0) {
      const f = this.field(def, fieldName);
      const name = f.name;
      return {
        get: f.type === 'boolean' ? (rec) => rec[name] ?? false : (rec) => rec[name] ?? null,
        type: f.type,
        directField: name,
        filterable: f.type !== 'textarea',
      };
    }
    const steps: ParentStep[] = [];
    let current: ObjectDef | null = def;
    for (const rel of parts) {
      if (current === null) throw unsupported('a path through a polymorphic relationship');
      const { step, def: next } = this.parentStep(current, rel);
      steps.push(step);
      current = next;
    }
    let type: FieldType;
    let read: (target: { rec: SfRecord; type: string }) => SfValue;
    if (current === null) {
      const known = POLYMORPHIC_NAME_FIELDS.find((n) => n.toLowerCase() === fieldName.toLowerCase());
      if (known === undefined) throw noSuchColumn(fieldName, 'Name');
      type = known === 'IsActive' ? 'boolean' : known === 'Id' ? 'id' : 'string';
      read = known === 'Type' ? (t) => t.type : (t) => t.rec[known] ?? null;
    } else {
      const f = this.field(current, fieldName);
      type = f.type;
      const name = f.name;
      read = f.type === 'boolean' ? (t) => t.rec[name] ?? false : (t) => t.rec[name] ?? null;
    }
    const store = this.ctx.store;
    return {
      get: (rec) => {
        let target: { rec: SfRecord; type: string } | null = { rec, type: def.name };
        for (const step of steps) {
          target = followStep(store, step, target.rec);
          if (target === null) return null;
        }
        return read(target);
      },
      type,
      directField: null,
      filterable: type !== 'textarea',
    };
  }

  shape(def: ObjectDef | null, fields: ParsedField[], polymorphicType = 'Name'): Shape {
    const shape: Shape = { type: def?.name ?? polymorphicType, entries: [] };
    for (const f of fields) {
      switch (f.type) {
        case 'Field':
          this.addPath(shape, def, [], f.field);
          break;
        case 'FieldRelationship':
          this.addPath(shape, def, f.relationships, f.field);
          break;
        case 'FieldSubquery':
          if (def === null) throw unsupported('a subquery on a polymorphic relationship');
          shape.entries.push(this.childEntry(def, f.subquery));
          break;
        case 'FieldFunctionExpression':
          throw unsupported(`the function ${f.functionName}()`);
        case 'FieldTypeof':
          throw unsupported('TYPEOF');
      }
    }
    return shape;
  }

  private addPath(shape: Shape, def: ObjectDef | null, relationships: string[], fieldName: string): void {
    if (relationships.length === 0) {
      if (def === null) {
        const known = POLYMORPHIC_NAME_FIELDS.find((n) => n.toLowerCase() === fieldName.toLowerCase());
        if (known === undefined) throw noSuchColumn(fieldName, 'Name');
        if (!shape.entries.some((e) => e.key === known)) {
          shape.entries.push({
            kind: 'field',
            key: known,
            fieldType: known === 'IsActive' ? 'boolean' : 'string',
          });
        }
        return;
      }
      const f = this.field(def, fieldName);
      if (!shape.entries.some((e) => e.key === f.name)) {
        shape.entries.push({ kind: 'field', key: f.name, fieldType: f.type });
      }
      return;
    }
    if (def === null) throw unsupported('a path through a polymorphic relationship');
    const [rel, ...rest] = relationships as [string, ...string[]];
    const { step, def: target } = this.parentStep(def, rel);
    let entry = shape.entries.find(
      (e): e is Extract<ShapeEntry, { kind: 'parent' }> =>
        e.kind === 'parent' && e.key === step.relationshipName,
    );
    if (entry === undefined) {
      entry = {
        kind: 'parent',
        key: step.relationshipName,
        step,
        shape: { type: target?.name ?? 'Name', entries: [] },
      };
      shape.entries.push(entry);
    }
    this.addPath(entry.shape, target, rest, fieldName);
  }

  private childEntry(def: ObjectDef, sub: Subquery): ShapeEntry {
    const rel = def.childRelationships.get(sub.relationshipName.toLowerCase());
    const childDef = rel === undefined ? undefined : this.ctx.store.object(rel.childSObject);
    if (rel === undefined || childDef === undefined) {
      throw new SoqlError(
        'INVALID_TYPE',
        `Didn't understand relationship '${sub.relationshipName}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    rejectUnsupportedClauses(sub);
    const ast = sub.where ? parseWhere(sub.where) : null;
    const orderBy = normalizeOrderBy(sub.orderBy);
    return {
      kind: 'child',
      key: rel.relationshipName,
      sub: {
        rel,
        table: this.ctx.store.table(childDef.name),
        shape: this.shape(childDef, sub.fields ?? []),
        where: ast ? this.predicate(childDef, ast) : null,
        order: orderBy.length > 0 ? this.comparator(childDef, orderBy) : null,
        limit: sub.limit ?? null,
      },
    };
  }

  predicate(def: ObjectDef, ast: WhereAst): Predicate {
    switch (ast.op) {
      case 'AND': {
        const parts = ast.parts.map((p) => this.predicate(def, p));
        return (rec) => parts.every((p) => p(rec));
      }
      case 'OR': {
        const parts = ast.parts.map((p) => this.predicate(def, p));
        return (rec) => parts.some((p) => p(rec));
      }
      case 'NOT': {
        const part = this.predicate(def, ast.part);
        return (rec) => !part(rec);
      }
      case 'cond':
        return this.condition(def, ast.cond);
    }
  }

  /** An index lookup for the most selective `=`/`IN` on an id or reference in the top-level AND chain. */
  indexPlan(def: ObjectDef, ast: WhereAst): { field: string; values: SfValue[] } | null {
    const conjuncts = ast.op === 'AND' ? ast.parts : [ast];
    let best: { field: string; values: SfValue[] } | null = null;
    for (const part of conjuncts) {
      if (part.op !== 'cond') continue;
      const c = part.cond;
      if (!('field' in c) || 'valueQuery' in c) continue;
      if (c.operator !== '=' && c.operator !== 'IN') continue;
      const resolved = this.resolve(def, c.field);
      if (resolved.directField === null || (resolved.type !== 'id' && resolved.type !== 'reference'))
        continue;
      const values = this.literalValues(c, resolved.type, c.field);
      if (values.some((v) => v === null)) continue;
      if (best === null || resolved.type === 'id' || values.length < best.values.length) {
        best = { field: resolved.directField, values };
        if (resolved.type === 'id') break;
      }
    }
    return best;
  }

  /**
   * Recognises a keyset page: a top-level `A > x` (ORDER BY A) or `(A > x OR (A = x AND B > y))`
   * (ORDER BY A, B), ascending, on non-text fields. Rows up to (x, y) fail that conjunct, so the
   * scan may start after them; the full WHERE still runs on every row it returns.
   */
  keysetAfter(def: ObjectDef, ast: WhereAst, orderBy: OrderByClause[]): SfRecord | null {
    if (orderBy.length === 0 || orderBy.length > 2) return null;
    const keys: string[] = [];
    for (const o of orderBy) {
      if (!('field' in o) || o.order === 'DESC' || o.nulls !== undefined) return null;
      const r = this.resolve(def, o.field);
      if (r.directField === null || TEXT_TYPES.has(r.type) || r.type === 'boolean') return null;
      keys.push(r.directField);
    }
    const cond = (a: WhereAst | undefined, op: string): { field: string; value: SfValue } | null => {
      if (a?.op !== 'cond' || !('field' in a.cond) || 'valueQuery' in a.cond || a.cond.operator !== op)
        return null;
      const r = this.resolve(def, a.cond.field);
      if (r.directField === null) return null;
      const value = this.literalValues(a.cond, r.type, a.cond.field)[0];
      return value === undefined || value === null ? null : { field: r.directField, value };
    };
    const conjuncts = ast.op === 'AND' ? ast.parts : [ast];
    for (const part of conjuncts) {
      if (keys.length === 1) {
        const gt = cond(part, '>');
        if (gt !== null && gt.field === keys[0]) return { Id: '', [gt.field]: gt.value } as SfRecord;
        continue;
      }
      if (part.op !== 'OR' || part.parts.length !== 2) continue;
      const [first, second] = part.parts;
      const gt = cond(first, '>');
      if (gt === null || gt.field !== keys[0] || second?.op !== 'AND' || second.parts.length !== 2) continue;
      const eq = cond(second.parts[0], '=');
      const gt2 = cond(second.parts[1], '>');
      if (
        eq === null ||
        gt2 === null ||
        eq.field !== keys[0] ||
        eq.value !== gt.value ||
        gt2.field !== keys[1]
      )
        continue;
      return { Id: '', [keys[0]!]: gt.value, [keys[1]!]: gt2.value } as SfRecord;
    }
    return null;
  }

  private condition(def: ObjectDef, c: Condition): Predicate {
    if (!('field' in c)) throw unsupported('a function in WHERE');
    if ('valueQuery' in c) throw unsupported('a semi-join (IN with a subquery)');
    if (c.operator === 'INCLUDES' || c.operator === 'EXCLUDES') throw unsupported(c.operator);
    const resolved = this.resolve(def, c.field);
    if (!resolved.filterable) {
      throw new SoqlError('INVALID_FIELD', `field '${c.field}' can not be filtered in a query call`);
    }
    const { type } = resolved;
    const values = this.literalValues(c, type, c.field);
    const caseless = TEXT_TYPES.has(type);
    const norm = caseless ? lowerCase : sameValue;
    // Text compares caseless; everything else reads the value as stored, with no call in between.
    const get = caseless ? (rec: SfRecord) => lowerCase(resolved.get(rec)) : resolved.get;
    switch (c.operator) {
      case '=':
      case '!=': {
        const want = norm(values[0]!);
        return c.operator === '=' ? (rec) => get(rec) === want : (rec) => get(rec) !== want;
      }
      case 'IN':
      case 'NOT IN': {
        const set = new Set(values.map(norm));
        return c.operator === 'IN' ? (rec) => set.has(get(rec)) : (rec) => !set.has(get(rec));
      }
      case 'LIKE': {
        if (!TEXT_TYPES.has(type) && type !== 'id' && type !== 'reference') {
          throw new SoqlError(
            'MALFORMED_QUERY',
            `invalid operator on field '${c.field}': LIKE needs a text field`,
          );
        }
        const pattern = values[0];
        if (typeof pattern !== 'string') throw new SoqlError('MALFORMED_QUERY', 'LIKE needs a string');
        const re = likePattern(pattern);
        return (rec) => {
          const v = resolved.get(rec);
          return typeof v === 'string' && re.test(v);
        };
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        if (type === 'boolean') {
          throw new SoqlError('MALFORMED_QUERY', `invalid operator on field '${c.field}': ${c.operator}`);
        }
        const want = norm(values[0]!);
        if (want === null) return () => false;
        const op = c.operator;
        return (rec) => {
          const v = get(rec);
          if (v === null) return false;
          const cmp = compareValues(v, want);
          return op === '<' ? cmp < 0 : op === '<=' ? cmp <= 0 : op === '>' ? cmp > 0 : cmp >= 0;
        };
      }
    }
  }

  /** The direct fields an ORDER BY reads, or null if any key follows a parent path or is a function. */
  orderFields(def: ObjectDef, orderBy: OrderByClause[]): string[] | null {
    const fields: string[] = [];
    for (const o of orderBy) {
      if (!('field' in o)) return null;
      const { directField } = this.resolve(def, o.field);
      if (directField === null) return null;
      fields.push(directField);
    }
    return fields;
  }

  comparator(def: ObjectDef, orderBy: OrderByClause[]): Comparator {
    // ORDER BY Id, the connector's order for its IN queries and subqueries: Id is never null.
    const only = orderBy.length === 1 ? orderBy[0]! : null;
    if (only !== null && 'field' in only && only.order !== 'DESC') {
      if (this.resolve(def, only.field).directField === 'Id') return byId;
    }
    const keys = orderBy.map((o) => {
      if (!('field' in o)) throw unsupported('ORDER BY a function');
      const resolved = this.resolve(def, o.field);
      if (resolved.type === 'textarea') {
        throw new SoqlError('INVALID_FIELD', `field '${o.field}' can not be sorted in a query call`);
      }
      const desc = o.order === 'DESC';
      // Salesforce puts nulls first ascending and last descending unless told otherwise.
      const nullsFirst = o.nulls === undefined ? !desc : o.nulls === 'FIRST';
      const caseless = TEXT_TYPES.has(resolved.type);
      return { get: resolved.get, desc, nullsFirst, caseless };
    });
    return (a, b) => {
      for (const k of keys) {
        let va = k.get(a);
        let vb = k.get(b);
        if (va === vb) continue;
        if (va === null) return k.nullsFirst ? -1 : 1;
        if (vb === null) return k.nullsFirst ? 1 : -1;
        if (k.caseless && typeof va === 'string' && typeof vb === 'string') {
          va = va.toLowerCase();
          vb = vb.toLowerCase();
        }
        const cmp = compareValues(va, vb);
        if (cmp !== 0) return k.desc ? -cmp : cmp;
      }
      return 0;
    };
  }
}

function followStep(
  store: OrgStore,
  step: ParentStep,
  rec: SfRecord,
): { rec: SfRecord; type: string } | null {
  const id = rec[step.refField];
  if (typeof id !== 'string') return null;
  if (step.table !== null) {
    const target = step.table.get(id);
    return target === undefined ? null : { rec: target, type: step.table.def.name };
  }
  const found = store.findById(id);
  return found === undefined ? null : { rec: found.rec, type: found.table.def.name };
}

/** The parent record a shape entry points to, for the serializer. */
export function parentOf(
  store: OrgStore,
  step: ParentStep,
  rec: SfRecord,
): { rec: SfRecord; type: string } | null {
  return followStep(store, step, rec);
}

function lowerCase(v: SfValue): SfValue {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function sameValue(v: SfValue): SfValue {
  return v;
}

function compareValues(a: SfValue, b: SfValue): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function likePattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

const STRING_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
  '%': '\\%',
  _: '\\_',
};

/** A quoted SOQL string literal's value (`'O\'Brien'` → `O'Brien`). LIKE wildcards stay escaped. */
export function unquoteSoqlString(literal: string): string {
  const body = literal.startsWith("'") && literal.endsWith("'") ? literal.slice(1, -1) : literal;
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    const mapped = next === undefined ? undefined : STRING_ESCAPES[next];
    if (mapped === undefined)
      throw new SoqlError('MALFORMED_QUERY', `invalid escape sequence \\${next ?? ''}`);
    out += mapped;
  }
  return out;
}

function literalValues(c: Condition, type: FieldType, field: string): SfValue[] {
  if (!('value' in c)) throw unsupported('this condition');
  const raw = Array.isArray(c.value) ? c.value : [c.value];
  const lt = c.literalType;
  const types: (string | undefined)[] = Array.isArray(lt) ? lt : raw.map(() => lt);
  return raw.map((value, i) => literal(String(value), types[i] ?? 'STRING', type, field));
}

function literal(value: string, literalType: string, type: FieldType, field: string): SfValue {
  if (literalType === 'NULL') return null;
  if (literalType === 'DATE_LITERAL' || literalType === 'DATE_N_LITERAL') {
    throw unsupported(`the date literal ${value}`);
  }
  if (literalType === 'APEX_BIND_VARIABLE') throw unsupported('bind variables');
  switch (type) {
    case 'date':
      if (literalType !== 'DATE') throw wrongType(field, 'date');
      return value;
    case 'datetime': {
      if (literalType !== 'DATETIME') throw wrongType(field, 'dateTime');
      const stored = parseDateTime(value);
      if (stored === null) throw wrongType(field, 'dateTime');
      return stored;
    }
    case 'boolean':
      if (literalType !== 'BOOLEAN') throw wrongType(field, 'boolean');
      return value.toUpperCase() === 'TRUE';
    default:
      if (NUMBER_TYPES.has(type)) {
        if (literalType !== 'INTEGER' && literalType !== 'DECIMAL') throw wrongType(field, 'double');
        return Number(value);
      }
      if (literalType !== 'STRING') {
        throw new SoqlError(
          'MALFORMED_QUERY',
          `value of filter criterion for field '${field}' must be a string`,
        );
      }
      return unquoteSoqlString(value);
  }
}

function wrongType(field: string, expected: string): SoqlError {
  return new SoqlError(
    'MALFORMED_QUERY',
    `value of filter criterion for field '${field}' must be of type ${expected} and should not be enclosed in quotes`,
  );
}

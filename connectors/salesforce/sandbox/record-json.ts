/**
 * Query results in Salesforce's JSON: each record with its `attributes` ({type, url}), fields in
 * select order, parents as nested objects (null when the lookup is empty), child relationships as
 * `{totalSize, done, records}` or null when there are none. Dates are "2024-11-14", datetimes
 * "2024-11-14T22:13:20.000+0000". Written as strings by writers compiled once per query shape: a
 * 2,000-record page with its relations is megabytes, and building it cheaply is what keeps the
 * sandbox fast enough for the service's throughput benchmark.
 */
import { formatDateTime } from './datetime.js';
import type { OrgStore, SfRecord, SfValue } from './org-store.js';
import type { FieldType } from './schema.js';
import { type CompiledSubquery, childRows, type ParentStep, parentOf, type Shape } from './soql-engine.js';

/** Types whose values never need escaping: ids, dates. */
const PLAIN_STRING = new Set<FieldType | 'string'>(['id', 'reference', 'date']);

/**
 * JavaScript that pushes the JSON of a field, `key` then its value `v` (the stored value or
 * undefined), onto `out`: null (false for a checkbox), a datetime in the REST form, a string
 * quoted (and escaped unless the type never needs it), a number or boolean as is.
 */
function fieldCode(key: string, type: FieldType | 'string'): string {
  const none = JSON.stringify(key + (type === 'boolean' ? 'false' : 'null'));
  const text =
    type === 'datetime'
      ? `out.push(${JSON.stringify(`${key}"`)}, formatDateTime(v), '"')`
      : PLAIN_STRING.has(type)
        ? `out.push(${JSON.stringify(`${key}"`)}, v, '"')`
        : `out.push(${JSON.stringify(key)}, JSON.stringify(v))`;
  return `if (v === undefined || v === null) out.push(${none});
else if (typeof v === "string") ${text};
else out.push(${JSON.stringify(key)}, String(v));
`;
}

/** The plain JSON value of a field (for record GETs and CSV). */
export function plainValue(type: FieldType | 'string', value: SfValue | undefined): SfValue {
  if (value === null || value === undefined) return type === 'boolean' ? false : null;
  if (type === 'datetime' && typeof value === 'string') return formatDateTime(value);
  return value;
}

/** Pushes the JSON of one record onto `out`, in pieces for one join. */
type Writer = (rec: SfRecord, actualType: string, out: string[]) => void;

type Factory = (nested: Writer[], format: typeof formatDateTime) => Writer;

/**
 * Generated code by its source, kept across queries: every query compiles its own shapes, but the
 * writers of the same select list are then the same function, which V8 has already optimized.
 */
const factories = new Map<string, Factory>();
const MAX_FACTORIES = 256;

export class RecordWriter {
  private readonly base: string;
  private readonly compiled = new Map<Shape, Writer>();

  constructor(
    private readonly store: OrgStore,
    apiVersion: string,
  ) {
    this.base = `/services/data/v${apiVersion}/sobjects/`;
  }

  records(rows: readonly SfRecord[], shape: Shape): string {
    return this.recordChunks(rows, shape).join('');
  }

  /**
   * A JSON array of records in pieces of a few hundred records: a page is sent as a stream of
   * these rather than one string of megabytes, which the heap would have to hold in one piece.
   * Each piece is one join of many small strings: concatenating them instead builds a tree of
   * string halves that V8 flattens, at several times the cost, when the piece is sent.
   */
  recordChunks(rows: readonly SfRecord[], shape: Shape, perChunk = 250): string[] {
    const write = this.writer(shape);
    const chunks: string[] = [];
    const out: string[] = ['['];
    for (let i = 0; i < rows.length; i++) {
      if (i % perChunk === 0 && i > 0) {
        chunks.push(out.join(''));
        out.length = 0;
      }
      if (i > 0) out.push(',');
      write(rows[i]!, shape.type, out);
    }
    out.push(']');
    chunks.push(out.join(''));
    return chunks;
  }

  private writer(shape: Shape): Writer {
    let write = this.compiled.get(shape);
    if (write === undefined) {
      write = this.compile(shape);
      this.compiled.set(shape, write);
    }
    return write;
  }

  /**
   * The writer of one shape, as generated code: a record's fields read by constant names and
   * pushed in select order, with no call or type test per field that the shape already settles.
   * A page is tens of thousands of records and relation rows, and a closure per field (reading
   * `rec[name]` with a variable name) made this the sandbox's largest cost.
   */
  private compile(shape: Shape): Writer {
    // Parents and child relationships are written by functions the generated code calls.
    const nested: Writer[] = [];
    const head = `{"attributes":{"type":${JSON.stringify(shape.type)},"url":"${this.base}`;
    let body = `let v;\nout.push(${JSON.stringify(head)}, actualType, "/", rec.Id, '"}');\n`;
    for (const entry of shape.entries) {
      const key = `,${JSON.stringify(entry.key)}:`;
      if (entry.kind === 'field') {
        body +=
          entry.key === 'Type' && shape.type === 'Name'
            ? `out.push(${JSON.stringify(`${key}"`)}, actualType, '"');\n`
            : `v = rec[${JSON.stringify(entry.key)}];\n${fieldCode(key, entry.fieldType)}`;
        continue;
      }
      nested.push(
        entry.kind === 'parent' ? this.parentWriter(entry.step, entry.shape) : this.childWriter(entry.sub),
      );
      body += `out.push(${JSON.stringify(key)});\nnested[${nested.length - 1}](rec, actualType, out);\n`;
    }
    body += "out.push('}');";
    let make = factories.get(body);
    if (make === undefined) {
      make = new Function(
        'nested',
        'formatDateTime',
        `return (rec, actualType, out) => {\n${body}}`,
      ) as Factory;
      if (factories.size >= MAX_FACTORIES) factories.delete(factories.keys().next().value!);
      factories.set(body, make);
    }
    return make(nested, formatDateTime);
  }

  private parentWriter(step: ParentStep, shape: Shape): Writer {
    const inner = this.writer(shape);
    return (rec, _actualType, out) => {
      const parent = parentOf(this.store, step, rec);
      if (parent === null) out.push('null');
      else inner(parent.rec, parent.type, out);
    };
  }

  private childWriter(sub: CompiledSubquery): Writer {
    const write = this.writer(sub.shape);
    return (rec, _actualType, out) => {
      const children = childRows(sub, rec.Id);
      if (children.length === 0) {
        out.push('null');
        return;
      }
      out.push(`{"totalSize":${children.length},"done":true,"records":[`);
      for (let i = 0; i < children.length; i++) {
        if (i > 0) out.push(',');
        write(children[i]!, sub.shape.type, out);
      }
      out.push(']}');
    };
  }
}

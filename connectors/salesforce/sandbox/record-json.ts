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
 * JavaScript for the JSON of a field's value `v` (the stored value or undefined): null (false for
 * a checkbox), a datetime in the REST form, a string quoted and escaped, a number or boolean as is.
 */
function valueCode(type: FieldType | 'string'): string {
  const none = type === 'boolean' ? '"false"' : '"null"';
  const text =
    type === 'datetime'
      ? `'"' + formatDateTime(v) + '"'`
      : PLAIN_STRING.has(type)
        ? `'"' + v + '"'`
        : 'JSON.stringify(v)';
  return `(v === undefined || v === null ? ${none} : typeof v === "string" ? ${text} : String(v))`;
}

/** The plain JSON value of a field (for record GETs and CSV). */
export function plainValue(type: FieldType | 'string', value: SfValue | undefined): SfValue {
  if (value === null || value === undefined) return type === 'boolean' ? false : null;
  if (type === 'datetime' && typeof value === 'string') return formatDateTime(value);
  return value;
}

type Writer = (rec: SfRecord, actualType: string) => string;

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
   */
  recordChunks(rows: readonly SfRecord[], shape: Shape, perChunk = 250): string[] {
    const write = this.writer(shape);
    const chunks: string[] = [];
    let part: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      part.push(write(rows[i]!, shape.type));
      if (part.length === perChunk) {
        chunks.push((chunks.length === 0 ? '[' : ',') + part.join(','));
        part = [];
      }
    }
    chunks.push(`${chunks.length === 0 ? '[' : part.length > 0 ? ',' : ''}${part.join(',')}]`);
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
   * concatenated in select order, with no call or type test per field that the shape already
   * settles. A page is tens of thousands of records and relation rows, and a closure per field
   * (reading `rec[name]` with a variable name) made this the sandbox's largest cost.
   */
  private compile(shape: Shape): Writer {
    // Parents and child relationships are written by functions the generated code calls.
    const nested: ((rec: SfRecord) => string)[] = [];
    const head = `{"attributes":{"type":${JSON.stringify(shape.type)},"url":"${this.base}`;
    let body = `let v; let out = ${JSON.stringify(head)} + actualType + "/" + rec.Id + '"}';\n`;
    for (const entry of shape.entries) {
      const key = JSON.stringify(`,${JSON.stringify(entry.key)}:`);
      if (entry.kind === 'field') {
        body +=
          entry.key === 'Type' && shape.type === 'Name'
            ? `out += ${key} + '"' + actualType + '"';\n`
            : `v = rec[${JSON.stringify(entry.key)}];\nout += ${key} + ${valueCode(entry.fieldType)};\n`;
        continue;
      }
      nested.push(
        entry.kind === 'parent' ? this.parentWriter(entry.step, entry.shape) : this.childWriter(entry.sub),
      );
      body += `out += ${key} + nested[${nested.length - 1}](rec);\n`;
    }
    body += "return out + '}';";
    const make = new Function('nested', 'formatDateTime', `return (rec, actualType) => {\n${body}}`);
    return make(nested, formatDateTime) as Writer;
  }

  private parentWriter(step: ParentStep, shape: Shape): (rec: SfRecord) => string {
    const inner = this.writer(shape);
    return (rec) => {
      const parent = parentOf(this.store, step, rec);
      return parent === null ? 'null' : inner(parent.rec, parent.type);
    };
  }

  private childWriter(sub: CompiledSubquery): (rec: SfRecord) => string {
    const write = this.writer(sub.shape);
    return (rec) => {
      const children = childRows(sub, rec.Id);
      if (children.length === 0) return 'null';
      let out = `{"totalSize":${children.length},"done":true,"records":[`;
      for (let i = 0; i < children.length; i++) {
        if (i > 0) out += ',';
        out += write(children[i]!, sub.shape.type);
      }
      return `${out}]}`;
    };
  }
}

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
import { childRows, parentOf, type Shape } from './soql-engine.js';

/** Types whose values never need escaping: ids, dates. */
const PLAIN_STRING = new Set<FieldType | 'string'>(['id', 'reference', 'date']);

export function valueJson(type: FieldType | 'string', value: SfValue | undefined): string {
  if (value === null || value === undefined) return type === 'boolean' ? 'false' : 'null';
  if (type === 'datetime' && typeof value === 'string') return `"${formatDateTime(value)}"`;
  if (typeof value === 'string') return PLAIN_STRING.has(type) ? `"${value}"` : JSON.stringify(value);
  return String(value);
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

  private compile(shape: Shape): Writer {
    const head = `{"attributes":{"type":${JSON.stringify(shape.type)},"url":"${this.base}`;
    const parts = shape.entries.map((entry): Writer => {
      const key = `,${JSON.stringify(entry.key)}:`;
      if (entry.kind === 'field') {
        if (entry.key === 'Type' && shape.type === 'Name')
          return (_rec, actualType) => `${key}"${actualType}"`;
        const name = entry.key;
        const type = entry.fieldType;
        return (rec) => key + valueJson(type, rec[name]);
      }
      if (entry.kind === 'parent') {
        const step = entry.step;
        const inner = this.writer(entry.shape);
        return (rec) => {
          const parent = parentOf(this.store, step, rec);
          return key + (parent === null ? 'null' : inner(parent.rec, parent.type));
        };
      }
      const sub = entry.sub;
      return (rec) => {
        const children = childRows(sub, rec.Id);
        return children.length === 0
          ? `${key}null`
          : `${key}{"totalSize":${children.length},"done":true,"records":${this.records(children, sub.shape)}}`;
      };
    });
    return (rec, actualType) => {
      let out = `${head}${actualType}/${rec.Id}"}`;
      for (const part of parts) out += part(rec, actualType);
      return `${out}}`;
    };
  }
}

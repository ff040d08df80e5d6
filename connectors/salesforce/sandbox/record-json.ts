/**
 * Query results in Salesforce's JSON: each record with its `attributes` ({type, url}), fields in
 * select order, parents as nested objects (null when the lookup is empty), child relationships as
 * `{totalSize, done, records}` or null when there are none. Dates are "2024-11-14", datetimes
 * "2024-11-14T22:13:20.000+0000". Written as strings directly: a 2,000-record page with its
 * relations is a few megabytes, and building it once is what keeps the sandbox fast.
 */
import type { OrgStore, SfRecord, SfValue } from './org-store.js';
import type { FieldType } from './schema.js';
import { childRows, parentOf, type Shape } from './soql-engine.js';

export function formatDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}+0000`;
}

export function valueJson(type: FieldType | 'string', value: SfValue | undefined): string {
  if (value === null || value === undefined) return type === 'boolean' ? 'false' : 'null';
  if (type === 'datetime' && typeof value === 'number') return `"${formatDateTime(value)}"`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** The plain JSON value of a field (for describe-free record GETs and CSV). */
export function plainValue(type: FieldType | 'string', value: SfValue | undefined): SfValue {
  if (value === null || value === undefined) return type === 'boolean' ? false : null;
  if (type === 'datetime' && typeof value === 'number') return formatDateTime(value);
  return value;
}

export class RecordWriter {
  private readonly base: string;

  constructor(
    private readonly store: OrgStore,
    apiVersion: string,
  ) {
    this.base = `/services/data/v${apiVersion}/sobjects/`;
  }

  attributes(type: string, urlType: string, id: string): string {
    return `{"type":${JSON.stringify(type)},"url":${JSON.stringify(`${this.base}${urlType}/${id}`)}}`;
  }

  records(rows: readonly SfRecord[], shape: Shape): string {
    const parts = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) parts[i] = this.record(rows[i]!, shape, shape.type);
    return `[${parts.join(',')}]`;
  }

  record(rec: SfRecord, shape: Shape, actualType: string): string {
    let out = `{"attributes":${this.attributes(shape.type, actualType, rec.Id)}`;
    for (const entry of shape.entries) {
      out += `,${JSON.stringify(entry.key)}:`;
      switch (entry.kind) {
        case 'field':
          out +=
            entry.key === 'Type' && shape.type === 'Name'
              ? JSON.stringify(actualType)
              : valueJson(entry.fieldType, rec[entry.key]);
          break;
        case 'parent': {
          const parent = parentOf(this.store, entry.step, rec);
          out += parent === null ? 'null' : this.record(parent.rec, entry.shape, parent.type);
          break;
        }
        case 'child': {
          const children = childRows(entry.sub, rec.Id);
          out +=
            children.length === 0
              ? 'null'
              : `{"totalSize":${children.length},"done":true,"records":${this.records(children, entry.sub.shape)}}`;
          break;
        }
      }
    }
    return `${out}}`;
  }
}

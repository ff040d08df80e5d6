/**
 * Query execution with Salesforce's paging: the first page of up to `batchSize` records (2,000
 * unless Sforce-Query-Options says otherwise) with a `nextRecordsUrl` whose last segment is the
 * locator, `{cursorId}-{offset}`, for the next. A cursor holds the matched rows as they were when
 * the query ran, like Salesforce's server-side query cursors.
 */
import { makeSalesforceId } from '../salesforce-id.js';
import type { Access } from './access.js';
import { RequestError } from './dml.js';
import type { OrgStore, SfRecord } from './org-store.js';
import { RecordWriter } from './record-json.js';
import { type CompiledQuery, compileQuery, executeQuery } from './soql-engine.js';

interface Cursor {
  rows: SfRecord[];
  query: CompiledQuery;
  batchSize: number;
}

const MAX_OPEN_CURSORS = 64;
export const DEFAULT_BATCH_SIZE = 2000;

/** `Sforce-Query-Options: batchSize=500` → 500, kept within Salesforce's 200..2000. */
export function batchSizeFrom(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  const m = value === undefined ? null : /batchSize\s*=\s*(\d+)/i.exec(value);
  if (m === null) return DEFAULT_BATCH_SIZE;
  return Math.min(2000, Math.max(200, Number(m[1])));
}

export class QueryService {
  private readonly cursors = new Map<string, Cursor>();
  private counter = 0;

  constructor(
    private readonly store: OrgStore,
    private readonly access: Access,
  ) {}

  /** Compiles and runs a query (throws SoqlError) and keeps the rows for bulk export. */
  rows(soql: string, userId: string): { rows: SfRecord[]; query: CompiledQuery } {
    const query = compileQuery(soql, { store: this.store, access: this.access, userId });
    return { rows: executeQuery(query), query };
  }

  /** GET /query?q=: the JSON of the first page, in pieces (see RecordWriter.recordChunks). */
  run(soql: string, userId: string, apiVersion: string, batchSize: number): string[] {
    const { rows, query } = this.rows(soql, userId);
    if (query.count) return [`{"totalSize":${rows.length},"done":true,"records":[]}`];
    return this.page({ rows, query, batchSize }, null, 0, apiVersion);
  }

  /** GET /query/{cursorId}-{offset}. */
  more(locator: string, apiVersion: string): string[] {
    const m = /^(.+)-(\d+)$/.exec(locator);
    const cursor = m === null ? undefined : this.cursors.get(m[1]!);
    if (m === null || cursor === undefined) {
      throw new RequestError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return this.page(cursor, m[1]!, Number(m[2]), apiVersion);
  }

  private page(cursor: Cursor, cursorId: string | null, offset: number, apiVersion: string): string[] {
    const { rows, query, batchSize } = cursor;
    const end = Math.min(rows.length, offset + batchSize);
    const writer = new RecordWriter(this.store, apiVersion);
    const records = writer.recordChunks(rows.slice(offset, end), query.shape);
    if (end >= rows.length) {
      if (cursorId !== null) this.cursors.delete(cursorId);
      return [`{"totalSize":${rows.length},"done":true,"records":`, ...records, '}'];
    }
    let id = cursorId;
    if (id === null) {
      id = makeSalesforceId('01g', '7s0', ++this.counter);
      this.cursors.set(id, cursor);
      if (this.cursors.size > MAX_OPEN_CURSORS) this.cursors.delete(this.cursors.keys().next().value!);
    }
    const next = `/services/data/v${apiVersion}/query/${id}-${end}`;
    return [
      `{"totalSize":${rows.length},"done":false,"nextRecordsUrl":${JSON.stringify(next)},"records":`,
      ...records,
      '}',
    ];
  }
}

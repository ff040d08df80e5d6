/**
 * Bulk API 2.0 jobs. Ingest: create (Open), one CSV upload, UploadComplete, then processed in
 * the background in chunks through the same DML as the REST API (lock failures included), with
 * successful, failed and unprocessed results as CSV. Query: runs the SOQL at once and serves the
 * CSV in pages with Sforce-Locator (the literal `null` on the last page, or jsforce loops).
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm
 */
import { makeSalesforceId } from '../salesforce-id.js';
import { parseCsv, toCsv } from './csv.js';
import { type Dml, type InputRecord, RequestError, type SaveResult } from './dml.js';
import type { OrgStore, SfRecord, SfValue } from './org-store.js';
import type { QueryService } from './query-service.js';
import { plainValue } from './record-json.js';
import { fieldOf } from './schema.js';
import { parentOf, type Shape, SoqlError } from './soql-engine.js';

export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete';
export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export interface IngestJob {
  id: string;
  object: string;
  operation: IngestOperation;
  externalIdFieldName: string | null;
  state: JobState;
  createdById: string;
  createdDate: number;
  apiVersion: string;
  uploads: string[];
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  errorMessage: string | null;
  header: string[];
  successful: string[][];
  failed: string[][];
  unprocessed: string[][];
}

export interface QueryJob {
  id: string;
  object: string;
  operation: 'query' | 'queryAll';
  query: string;
  state: JobState;
  createdById: string;
  createdDate: number;
  apiVersion: string;
  header: string[];
  rows: string[][];
  errorMessage: string | null;
}

const CHUNK = 200;

export class BulkJobs {
  readonly ingest = new Map<string, IngestJob>();
  readonly queries = new Map<string, QueryJob>();
  private counter = 0;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly store: OrgStore,
    private readonly dml: Dml,
    private readonly queryService: QueryService,
  ) {}

  createIngest(
    userId: string,
    apiVersion: string,
    spec: { object?: unknown; operation?: unknown; externalIdFieldName?: unknown },
  ): IngestJob {
    const def = typeof spec.object === 'string' ? this.store.object(spec.object) : undefined;
    if (def === undefined)
      throw new RequestError(
        400,
        'INVALIDENTITY',
        `Entity '${String(spec.object)}' is not supported by the Bulk API.`,
      );
    const op = spec.operation;
    if (op !== 'insert' && op !== 'update' && op !== 'upsert' && op !== 'delete') {
      throw new RequestError(400, 'INVALIDJOB', `Invalid operation: ${String(op)}`);
    }
    let ext: string | null = null;
    if (op === 'upsert') {
      const field =
        typeof spec.externalIdFieldName === 'string' ? fieldOf(def, spec.externalIdFieldName) : undefined;
      if (field === undefined || (field.externalId !== true && field.type !== 'id')) {
        throw new RequestError(
          400,
          'INVALIDJOB',
          `External ID field ${String(spec.externalIdFieldName)} is not valid for ${def.name}`,
        );
      }
      ext = field.name;
    }
    const job: IngestJob = {
      id: makeSalesforceId('750', '7s0', ++this.counter),
      object: def.name,
      operation: op,
      externalIdFieldName: ext,
      state: 'Open',
      createdById: userId,
      createdDate: this.store.clock(),
      apiVersion,
      uploads: [],
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      errorMessage: null,
      header: [],
      successful: [],
      failed: [],
      unprocessed: [],
    };
    this.ingest.set(job.id, job);
    return job;
  }

  upload(job: IngestJob, csv: string): void {
    if (job.state !== 'Open')
      throw new RequestError(409, 'INVALIDJOBSTATE', `Job ${job.id} is not open for uploads`);
    job.uploads.push(csv);
  }

  close(job: IngestJob, state: unknown): void {
    if (state === 'Aborted') {
      job.state = 'Aborted';
      return;
    }
    if (state !== 'UploadComplete' || job.state !== 'Open') {
      throw new RequestError(
        400,
        'INVALIDJOBSTATE',
        `Cannot move job ${job.id} from ${job.state} to ${String(state)}`,
      );
    }
    job.state = 'UploadComplete';
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.process(job));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Waits for jobs being processed (close() of the sandbox). */
  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private process(job: IngestJob): void {
    if (job.state !== 'UploadComplete') return;
    job.state = 'InProgress';
    const rows: string[][] = [];
    for (const upload of job.uploads) {
      const parsed = parseCsv(upload);
      const header = parsed.shift() ?? [];
      if (job.header.length === 0) job.header = header;
      else if (header.join(',') !== job.header.join(',')) {
        this.fail(job, 'InvalidBatch : all uploads need the same header');
        return;
      }
      rows.push(...parsed);
    }
    const def = this.store.object(job.object)!;
    const inputs = rows.map((row) => {
      const input: InputRecord = {};
      job.header.forEach((col, i) => {
        input[col] = row[i] ?? '';
      });
      return input;
    });
    try {
      this.dml.checkFieldNames(job.createdById, def, inputs.slice(0, 1));
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      this.fail(job, `InvalidBatch : ${err.message}`);
      return;
    }
    for (let start = 0; start < inputs.length; start += CHUNK) {
      const chunk = inputs.slice(start, start + CHUNK);
      let results: SaveResult[];
      if (job.operation === 'delete') {
        results = chunk.map((input) => this.dml.delete(def, String(input['Id'] ?? input['id'] ?? '')));
      } else {
        const op = job.operation;
        results = this.dml.many(
          job.createdById,
          chunk.map((input) => ({ def, op, input, extField: job.externalIdFieldName ?? undefined })),
          false,
          { source: 'csv', lockFailures: true },
        );
      }
      results.forEach((r, i) => {
        const row = rows[start + i]!;
        if (r.success) job.successful.push([r.id ?? '', String(r.created === true), ...row]);
        else {
          const e = r.errors[0];
          job.failed.push([
            r.id ?? '',
            e === undefined ? 'UNKNOWN' : `${e.statusCode}:${e.message}:${e.fields.join(',') || '--'}`,
            ...row,
          ]);
        }
      });
    }
    job.numberRecordsProcessed = rows.length;
    job.numberRecordsFailed = job.failed.length;
    job.state = 'JobComplete';
  }

  private fail(job: IngestJob, message: string): void {
    job.state = 'Failed';
    job.errorMessage = message;
    for (const upload of job.uploads) job.unprocessed.push(...parseCsv(upload).slice(1));
  }

  ingestInfo(job: IngestJob): Record<string, unknown> {
    return {
      ...jobInfo(job),
      externalIdFieldName: job.externalIdFieldName ?? undefined,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(job.apiVersion),
      jobType: 'V2Ingest',
      contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      numberRecordsProcessed: job.numberRecordsProcessed,
      numberRecordsFailed: job.numberRecordsFailed,
      retries: 0,
      totalProcessingTime: 0,
      errorMessage: job.errorMessage ?? undefined,
    };
  }

  ingestResults(job: IngestJob, kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords'): string {
    if (kind === 'successfulResults') return toCsv(['sf__Id', 'sf__Created', ...job.header], job.successful);
    if (kind === 'failedResults') return toCsv(['sf__Id', 'sf__Error', ...job.header], job.failed);
    return toCsv(job.header, job.unprocessed);
  }

  createQuery(userId: string, apiVersion: string, spec: { query?: unknown; operation?: unknown }): QueryJob {
    if (typeof spec.query !== 'string') throw new RequestError(400, 'INVALIDJOB', 'query is required');
    const operation =
      spec.operation === 'queryAll' ? 'queryAll' : spec.operation === 'query' ? 'query' : null;
    if (operation === null)
      throw new RequestError(400, 'INVALIDJOB', `Invalid operation: ${String(spec.operation)}`);
    const job: QueryJob = {
      id: makeSalesforceId('750', '7s1', ++this.counter),
      object: '',
      operation,
      query: spec.query,
      state: 'UploadComplete',
      createdById: userId,
      createdDate: this.store.clock(),
      apiVersion,
      header: [],
      rows: [],
      errorMessage: null,
    };
    try {
      const { rows, query } = this.queryService.rows(spec.query, userId);
      if (query.count)
        throw new RequestError(400, 'API_ERROR', 'Aggregate queries are not supported by Bulk API 2.0');
      if (query.shape.entries.some((e) => e.kind === 'child')) {
        throw new RequestError(
          400,
          'API_ERROR',
          'FeatureNotEnabled : Bulk API 2.0 does not support parent-to-child (subquery) relationships',
        );
      }
      job.object = query.def.name;
      const columns = flatten(this.store, query.shape, '');
      job.header = columns.map((c) => c.name);
      job.rows = rows.map((rec) => columns.map((c) => csvValue(c.get(rec))));
    } catch (err) {
      if (err instanceof SoqlError) throw new RequestError(400, err.errorCode, err.message);
      throw err;
    }
    this.queries.set(job.id, job);
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      if (job.state === 'UploadComplete') job.state = 'JobComplete';
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return job;
  }

  queryInfo(job: QueryJob): Record<string, unknown> {
    return {
      ...jobInfo(job),
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(job.apiVersion),
      jobType: 'V2Query',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      numberRecordsProcessed: job.state === 'JobComplete' ? job.rows.length : 0,
      retries: 0,
      totalProcessingTime: 0,
      errorMessage: job.errorMessage ?? undefined,
    };
  }

  /** One page of results and the locator of the next, or 'null'. */
  queryResults(
    job: QueryJob,
    locator: string | undefined,
    maxRecords: number,
  ): { csv: string; next: string; count: number } {
    const offset =
      locator === undefined || locator === '' ? 0 : Number(Buffer.from(locator, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0)
      throw new RequestError(400, 'INVALIDLOCATOR', 'Invalid locator');
    const page = job.rows.slice(offset, offset + maxRecords);
    const end = offset + page.length;
    const next = end < job.rows.length ? Buffer.from(String(end)).toString('base64url') : 'null';
    return { csv: toCsv(job.header, page), next, count: page.length };
  }
}

function jobInfo(job: IngestJob | QueryJob): Record<string, unknown> {
  const stamp = new Date(job.createdDate).toISOString().replace('Z', '+0000');
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: stamp,
    systemModstamp: stamp,
    state: job.state,
  };
}

interface Column {
  name: string;
  get: (rec: SfRecord) => SfValue;
}

/** A query shape as CSV columns: parent fields become `Owner.ManagerId`. */
function flatten(store: OrgStore, shape: Shape, prefix: string): Column[] {
  const out: Column[] = [];
  for (const entry of shape.entries) {
    if (entry.kind === 'field') {
      const type = entry.fieldType;
      const key = entry.key;
      out.push({ name: prefix + key, get: (rec) => plainValue(type, rec[key]) });
    } else if (entry.kind === 'parent') {
      const step = entry.step;
      for (const col of flatten(store, entry.shape, `${prefix}${entry.key}.`)) {
        out.push({
          name: col.name,
          get: (rec) => {
            const parent = parentOf(store, step, rec);
            return parent === null ? null : col.get(parent.rec);
          },
        });
      }
    }
  }
  return out;
}

function csvValue(v: SfValue): string {
  return v === null ? '' : String(v);
}

/**
 * Bulk API 2.0 over HTTP, as jsforce's `conn.bulk2` drives it.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IngestJob, QueryJob } from '../bulk-jobs.js';
import { RequestError } from '../dml.js';
import { apiVersion, requestUser, type SandboxState, sendJson } from '../state.js';

const BULK = { config: { api: 'bulk' } };
const DEFAULT_MAX_RECORDS = 100_000;

export function registerBulkRoutes(app: FastifyInstance, state: SandboxState): void {
  const { bulk } = state;
  const ingestJob = (request: FastifyRequest): IngestJob => {
    const job = bulk.ingest.get((request.params as { id: string }).id);
    if (job === undefined) throw new RequestError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return job;
  };
  const queryJob = (request: FastifyRequest): QueryJob => {
    const job = bulk.queries.get((request.params as { id: string }).id);
    if (job === undefined) throw new RequestError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return job;
  };

  app.post('/services/data/:version/jobs/ingest', BULK, async (request, reply) => {
    const version = apiVersion(request);
    const job = bulk.createIngest(
      requestUser(request),
      version,
      (request.body ?? {}) as Record<string, unknown>,
    );
    return sendJson(reply, 200, bulk.ingestInfo(job));
  });

  app.put('/services/data/:version/jobs/ingest/:id/batches', BULK, async (request, reply) => {
    apiVersion(request);
    const body = request.body;
    if (typeof body !== 'string') throw new RequestError(400, 'INVALIDBATCH', 'The upload must be text/csv');
    bulk.upload(ingestJob(request), body);
    return reply.code(201).send();
  });

  app.patch('/services/data/:version/jobs/ingest/:id', BULK, async (request, reply) => {
    apiVersion(request);
    const job = ingestJob(request);
    bulk.close(job, (request.body as { state?: unknown } | null)?.state);
    return sendJson(reply, 200, bulk.ingestInfo(job));
  });

  app.get('/services/data/:version/jobs/ingest/:id', BULK, async (request, reply) => {
    apiVersion(request);
    return sendJson(reply, 200, bulk.ingestInfo(ingestJob(request)));
  });

  for (const kind of ['successfulResults', 'failedResults', 'unprocessedrecords'] as const) {
    app.get(`/services/data/:version/jobs/ingest/:id/${kind}`, BULK, async (request, reply) => {
      apiVersion(request);
      return reply
        .code(200)
        .type('text/csv')
        .send(bulk.ingestResults(ingestJob(request), kind));
    });
  }

  app.delete('/services/data/:version/jobs/ingest/:id', BULK, async (request, reply) => {
    apiVersion(request);
    bulk.ingest.delete(ingestJob(request).id);
    return reply.code(204).send();
  });

  app.post('/services/data/:version/jobs/query', BULK, async (request, reply) => {
    const version = apiVersion(request);
    const job = bulk.createQuery(
      requestUser(request),
      version,
      (request.body ?? {}) as Record<string, unknown>,
    );
    return sendJson(reply, 200, bulk.queryInfo(job));
  });

  app.get('/services/data/:version/jobs/query/:id', BULK, async (request, reply) => {
    apiVersion(request);
    return sendJson(reply, 200, bulk.queryInfo(queryJob(request)));
  });

  app.get('/services/data/:version/jobs/query/:id/results', BULK, async (request, reply) => {
    apiVersion(request);
    const job = queryJob(request);
    if (job.state !== 'JobComplete') {
      throw new RequestError(400, 'INVALIDJOBSTATE', `Job ${job.id} is not complete: ${job.state}`);
    }
    const q = request.query as { locator?: string; maxRecords?: string };
    const max =
      q.maxRecords === undefined
        ? DEFAULT_MAX_RECORDS
        : Math.max(1, Number(q.maxRecords) || DEFAULT_MAX_RECORDS);
    const page = bulk.queryResults(job, q.locator, max);
    return reply
      .code(200)
      .type('text/csv')
      .header('Sforce-Locator', page.next)
      .header('Sforce-NumberOfRecords', String(page.count))
      .send(page.csv);
  });

  app.patch('/services/data/:version/jobs/query/:id', BULK, async (request, reply) => {
    apiVersion(request);
    const job = queryJob(request);
    if ((request.body as { state?: unknown } | null)?.state === 'Aborted') job.state = 'Aborted';
    return sendJson(reply, 200, bulk.queryInfo(job));
  });

  app.delete('/services/data/:version/jobs/query/:id', BULK, async (request, reply) => {
    apiVersion(request);
    bulk.queries.delete(queryJob(request).id);
    return reply.code(204).send();
  });
}

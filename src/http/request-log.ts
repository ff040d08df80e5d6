/**
 * One log line per request, written by us instead of fastify: fastify logs the raw URL, and ours
 * carry secrets (the Salesforce webhook path segment, OAuth codes and states in query strings).
 * The line names the route pattern and the tenant, never the URL.
 */
import type { FastifyInstance } from 'fastify';

export function logRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const params = request.params as { tenant?: unknown } | undefined;
    const tenant = typeof params?.tenant === 'string' ? params.tenant : undefined;
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(no route)',
        ...(tenant ? { tenant } : {}),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });
}

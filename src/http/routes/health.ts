/**
 * Liveness, readiness and metrics. /healthz says the process answers; /readyz says it can take
 * work (Redis answers a PING within a second), so a load balancer stops sending webhooks that
 * would only get 503s; /metrics is the Prometheus registry, job counts read at scrape time.
 */
import type { FastifyPluginAsync } from 'fastify';
import { withTimeout } from '../../timeout.js';
import type { AppDeps } from '../deps.js';

const READY_TIMEOUT_MS = 1000;

export const healthRoutes: FastifyPluginAsync<AppDeps> = async (app, { redis, metrics, clusterMetrics }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const ready = await withTimeout(redis.ping(), READY_TIMEOUT_MS, 'redis ping').then(
      () => true,
      () => false,
    );
    if (ready) return { status: 'ready' };
    return reply.code(503).send({ status: 'unavailable', redis: 'unreachable' });
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return clusterMetrics ? clusterMetrics() : metrics.registry.metrics();
  });
};

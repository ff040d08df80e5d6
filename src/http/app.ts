/**
 * The HTTP app, built by a function and never listening here (src/server.ts listens; tests call
 * `inject` or listen on port 0). Routes live in modules under routes/: health and metrics, CRM
 * webhooks, OAuth installs, and the admin API under /admin.
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { AppDeps } from './deps.js';
import { errorHandler } from './error-handler.js';
import { logRequests } from './request-log.js';
import { adminPlugin } from './routes/admin/index.js';
import { healthRoutes } from './routes/health.js';
import { oauthRoutes } from './routes/oauth.js';
import { webhookPlugin } from './routes/webhooks/index.js';

export type { AppDeps } from './deps.js';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    // fastify's request lines carry the raw URL; request-log.ts writes safe ones instead.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;

  app.setErrorHandler(errorHandler(deps.redis));
  // The URL is not echoed: a mistyped webhook path still holds its secret.
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ statusCode: 404, error: 'NOT_FOUND', message: 'no such route' }),
  );
  logRequests(app);

  await app.register(healthRoutes, deps);
  await app.register(webhookPlugin, deps);
  await app.register(oauthRoutes, deps);
  // Wrapped so the prefix option does not travel down into the route modules' deps.
  await app.register(async (admin) => admin.register(adminPlugin, deps), { prefix: '/admin' });
  return app;
}

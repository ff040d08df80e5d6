/**
 * The BullMQ dashboard (bull-board) at /admin/queues, behind the admin token like the rest of the
 * admin plugin. bull-board's own error handler would send a failing call's message to the browser,
 * so ours replaces it.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync } from 'fastify';
import { QUEUE_NAMES } from '../../../../jobs/catalog.js';
import type { AppDeps } from '../../deps.js';
import { toErrorBody } from '../../error-handler.js';

export const DASHBOARD_PATH = '/admin/queues';

export const queuesDashboard: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(deps.queues.queue(name))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'playercoach' } },
  });
  serverAdapter.setErrorHandler((err) => {
    const body = toErrorBody(err, deps.redis);
    if (body.statusCode >= 500)
      deps.logger.error({ error: { type: err.name, message: err.message } }, 'dashboard failed');
    return { status: body.statusCode as 500, body };
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: '/queues' });
};

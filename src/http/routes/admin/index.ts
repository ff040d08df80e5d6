/**
 * The admin API, mounted at /admin, every route behind the admin token (auth.ts). JSON route
 * modules add themselves to ADMIN_ROUTES; each is a fastify plugin receiving the app's deps. A POST
 * or PUT to them without a body is refused, so an empty request never resets a policy to defaults.
 */
import type { FastifyPluginAsync } from 'fastify';
import { InputError } from '../../../errors.js';
import type { AppDeps } from '../../deps.js';
import { requireAdminToken } from './auth.js';
import { managerHistoryRoutes } from './manager-history.js';
import { DASHBOARD_PATH, queuesDashboard } from './queues-dashboard.js';
import { tenantSettingsRoutes } from './tenant-settings.js';
import { tenantRoutes } from './tenants.js';

export const ADMIN_ROUTES: FastifyPluginAsync<AppDeps>[] = [
  tenantRoutes,
  tenantSettingsRoutes,
  managerHistoryRoutes,
];

export const adminPlugin: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.addHook('onRequest', requireAdminToken(deps.config.ADMIN_TOKEN, DASHBOARD_PATH));
  await app.register(queuesDashboard, deps);
  await app.register(async (json) => {
    json.addHook('preValidation', async (request) => {
      if ((request.method === 'POST' || request.method === 'PUT') && request.body === undefined) {
        throw new InputError('request body is required: a JSON object (Content-Type: application/json)');
      }
    });
    for (const routes of ADMIN_ROUTES) await json.register(routes, deps);
  });
};

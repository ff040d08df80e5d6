/**
 * Manager changes entered by an admin (DESIGN.md "managerHistory"): neither CRM keeps the history
 * of who managed whom, so an admin can record a change with the date it took effect, earlier than
 * the day the service would have noticed it. Appended to the tenant's history list, where the
 * worker reads the entries when it builds the snapshot.
 */
import type { FastifyPluginAsync } from 'fastify';
import { managerChangeSchema } from '../../../domain/snapshot.js';
import { parseInput } from '../../../validate.js';
import type { AppDeps } from '../../deps.js';
import { tenantParam } from './params.js';

export const managerHistoryRoutes: FastifyPluginAsync<AppDeps> = async (app, { redis, keys, tenants }) => {
  app.get('/tenants/:tenant/manager-history', async (request) => {
    const tenant = await tenants.require(tenantParam(request.params));
    const entries = await redis.lrange(keys.tenant(tenant.id).managerHistory, 0, -1);
    return { managerHistory: entries.map((e) => JSON.parse(e)) };
  });

  app.post('/tenants/:tenant/manager-history', async (request, reply) => {
    const tenant = await tenants.require(tenantParam(request.params));
    const change = parseInput(managerChangeSchema.strict(), request.body, 'manager change');
    await redis.rpush(keys.tenant(tenant.id).managerHistory, JSON.stringify(change));
    request.log.info({ tenant: tenant.id }, 'manager change recorded');
    return reply.code(201).send({ managerChange: change });
  });
};

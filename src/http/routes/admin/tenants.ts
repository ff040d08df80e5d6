/**
 * Tenants: create (with given credentials), list, show, delete. Everything shown passes through
 * `maskTenant`. The one exception is the answer to a Salesforce create, which carries the Outbound
 * Message endpoint with its secret once, because the admin must paste it into Salesforce.
 */
import type { FastifyPluginAsync } from 'fastify';
import { pipelineSettings } from '../../../../jobs/deps.js';
import { PlayercoachError } from '../../../errors.js';
import { scheduleReconcile, unscheduleReconcile } from '../../../service/reconcile.js';
import { maskTenant } from '../../../tenants/tenant.js';
import { salesforceWebhookUrl } from '../../../tenants/webhook-url.js';
import type { AppDeps } from '../../deps.js';
import { tenantParam } from './params.js';

// Kept importable from here: the OAuth routes take it from this module.
export { salesforceWebhookUrl };

export const tenantRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.post('/tenants', async (request, reply) => {
    const tenant = await deps.tenants.create(request.body);
    await scheduleReconcile({ queues: deps.queues, settings: pipelineSettings(deps.config) }, tenant.id);
    request.log.info({ tenant: tenant.id, kind: tenant.kind }, 'tenant created');
    const webhookUrl = salesforceWebhookUrl(deps.config.PUBLIC_BASE_URL, tenant);
    return reply.code(201).send({ tenant: maskTenant(tenant), ...(webhookUrl ? { webhookUrl } : {}) });
  });

  app.get('/tenants', async () => ({ tenants: (await deps.tenants.list()).map(maskTenant) }));

  app.get('/tenants/:tenant', async (request) => ({
    tenant: maskTenant(await deps.tenants.require(tenantParam(request.params))),
  }));

  app.delete('/tenants/:tenant', async (request, reply) => {
    const id = tenantParam(request.params);
    if (!(await deps.tenants.delete(id)))
      throw new PlayercoachError('NOT_FOUND', `tenant "${id}" does not exist`);
    await unscheduleReconcile(deps, id);
    request.log.info({ tenant: id }, 'tenant deleted');
    return reply.code(204).send();
  });
};

/**
 * The parts of a tenant an admin edits after creation: the crediting policy (any subset of fields;
 * the rest take the defaults), the HubSpot manager mapping, calendar settings, and credentials
 * (tokens pasted by hand, e.g. after a revocation). Each GET shows what the worker will use.
 */
import type { FastifyPluginAsync } from 'fastify';
import { InputError } from '../../../errors.js';
import { credentialsSchema } from '../../../tenants/tenant.js';
import { parseInput } from '../../../validate.js';
import type { AppDeps } from '../../deps.js';
import { tenantParam } from './params.js';

/**
 * The ledger holds each deal's evaluation under the policy of its day; re-evaluating every past
 * deal means pulling them again, which is a backfill's job, so saying so beats a silent partial
 * effect.
 */
const REEVALUATE_NOTE =
  'Deals changed from now on are evaluated under this policy (or these settings); to re-credit past ' +
  'periods, start a backfill over them (POST /admin/tenants/:tenant/backfills or `playercoach backfill`).';

export const tenantSettingsRoutes: FastifyPluginAsync<AppDeps> = async (app, { tenants }) => {
  app.get('/tenants/:tenant/policy', async (request) => ({
    policy: (await tenants.require(tenantParam(request.params))).policy,
  }));
  app.put('/tenants/:tenant/policy', async (request) => ({
    policy: await tenants.updatePolicy(tenantParam(request.params), request.body),
    note: REEVALUATE_NOTE,
  }));

  app.get('/tenants/:tenant/manager-mapping', async (request) => ({
    managerMapping: (await tenants.require(tenantParam(request.params))).managerMapping,
  }));
  app.put('/tenants/:tenant/manager-mapping', async (request) => {
    const tenant = await tenants.require(tenantParam(request.params));
    if (tenant.kind !== 'hubspot') {
      throw new InputError(
        `tenant "${tenant.id}" is a ${tenant.kind} tenant: the manager mapping applies to HubSpot tenants only ` +
          '(Salesforce users carry their ManagerId)',
      );
    }
    return {
      managerMapping: await tenants.updateManagerMapping(tenant.id, request.body),
      note: REEVALUATE_NOTE,
    };
  });

  app.get('/tenants/:tenant/settings', async (request) => ({
    settings: (await tenants.require(tenantParam(request.params))).settings,
  }));
  app.put('/tenants/:tenant/settings', async (request) => ({
    settings: await tenants.updateSettings(tenantParam(request.params), request.body),
    note: REEVALUATE_NOTE,
  }));

  app.put('/tenants/:tenant/credentials', async (request, reply) => {
    const id = tenantParam(request.params);
    await tenants.updateCredentials(id, parseInput(credentialsSchema.strict(), request.body, 'credentials'));
    return reply.code(204).send();
  });
};

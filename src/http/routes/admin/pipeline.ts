/**
 * The pipeline's admin routes: backfills (start, list, progress and a dry run's diff, pause,
 * resume), attainment by manager and period, the decisions with their evidence for one deal, and
 * the records the CRM refused with the reason.
 * They call the same service functions as the CLI (src/service/). Mounted outside the JSON body
 * rule of the other admin routes: pause and resume take no body.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { pipelineSettings } from '../../../../jobs/deps.js';
import { attainmentFor, explainDeal, writeFailures } from '../../../service/attainment.js';
import {
  backfillIdSchema,
  backfillProgress,
  listBackfills,
  pauseBackfill,
  resumeBackfill,
  type ServiceDeps,
  startBackfill,
} from '../../../service/backfills.js';
import { tenantIdSchema } from '../../../tenants/tenant.js';
import { parseInput } from '../../../validate.js';
import type { AppDeps } from '../../deps.js';

const backfillParams = z.object({ tenant: tenantIdSchema, id: backfillIdSchema });
const dealParams = z.object({ tenant: tenantIdSchema, dealId: z.string().min(1).max(64) });
const tenantParams = z.object({ tenant: tenantIdSchema });

export const pipelineRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const service: ServiceDeps = { ...deps, settings: pipelineSettings(deps.config) };

  app.post('/tenants/:tenant/backfills', async (request, reply) => {
    const { tenant } = parseInput(tenantParams, request.params, 'path');
    const backfill = await startBackfill(service, tenant, request.body ?? {});
    request.log.info({ tenant, backfillId: backfill.id, dryRun: backfill.dryRun }, 'backfill started');
    return reply.code(201).send({ backfill });
  });

  app.get('/tenants/:tenant/backfills', async (request) => {
    const { tenant } = parseInput(tenantParams, request.params, 'path');
    return { backfills: await listBackfills(service, tenant) };
  });

  app.get('/tenants/:tenant/backfills/:id', async (request) => {
    const { tenant, id } = parseInput(backfillParams, request.params, 'path');
    return { backfill: await backfillProgress(service, tenant, id) };
  });

  app.post('/tenants/:tenant/backfills/:id/pause', async (request) => {
    const { tenant, id } = parseInput(backfillParams, request.params, 'path');
    return { backfill: await pauseBackfill(service, tenant, id) };
  });

  app.post('/tenants/:tenant/backfills/:id/resume', async (request) => {
    const { tenant, id } = parseInput(backfillParams, request.params, 'path');
    return { backfill: await resumeBackfill(service, tenant, id) };
  });

  app.get('/tenants/:tenant/attainment', async (request) => {
    const { tenant } = parseInput(tenantParams, request.params, 'path');
    return { attainment: await attainmentFor(service, tenant, request.query) };
  });

  app.get('/tenants/:tenant/write-failures', async (request) => {
    const { tenant } = parseInput(tenantParams, request.params, 'path');
    return { failures: await writeFailures(service, tenant) };
  });

  app.get('/tenants/:tenant/deals/:dealId/decision', async (request) => {
    const { tenant, dealId } = parseInput(dealParams, request.params, 'path');
    return { deal: await explainDeal(service, tenant, dealId) };
  });
};

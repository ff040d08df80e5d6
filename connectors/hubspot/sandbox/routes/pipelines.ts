/**
 * Pipelines v3 (spec: PublicApiSpecs/CRM/Pipelines): each stage's `metadata.isClosed` and
 * `metadata.probability` ("1.0" won, "0.0" lost) are how a client tells won from lost.
 */
import type { RouteModule } from '../context.js';
import { SandboxInputError } from '../portal-store.js';

export const pipelineRoutes: RouteModule = (app, { store }) => {
  app.get<{ Params: { objectType: string } }>('/crm/v3/pipelines/:objectType', async (req) => {
    const type = store.resolveType(req.params.objectType);
    return { results: store.pipelines.get(type) ?? [] };
  });
  app.get<{ Params: { objectType: string; pipelineId: string } }>(
    '/crm/v3/pipelines/:objectType/:pipelineId',
    async (req) => {
      const type = store.resolveType(req.params.objectType);
      const pipeline = (store.pipelines.get(type) ?? []).find((p) => p.id === req.params.pipelineId);
      if (!pipeline)
        throw new SandboxInputError('OBJECT_NOT_FOUND', `Pipeline ${req.params.pipelineId} not found`, 404);
      return pipeline;
    },
  );
};

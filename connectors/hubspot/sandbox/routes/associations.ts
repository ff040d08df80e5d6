/**
 * Associations v4 (spec: PublicApiSpecs/CRM/Associations/Rollouts/130902/v4/associations.json):
 * per-object list (limit defaults to 500), batch read of up to 1,000 ids (ids with nothing
 * associated come back as per-input errors in a 207, as at HubSpot), and creating associations.
 */
import type { RouteModule } from '../context.js';
import { errorBody } from '../errors.js';
import { type AssociationType, compareIds, SandboxInputError } from '../portal-store.js';
import { parseLimit } from '../serialize.js';

const MAX_BATCH = 1000;
const PAGE = 500;

function page(linked: Array<[string, AssociationType[]]>, after: string | undefined, limit: number) {
  const rest = after === undefined ? linked : linked.filter(([id]) => compareIds(id, after) > 0);
  const slice = rest.slice(0, limit);
  const next = rest.length > limit ? slice[slice.length - 1]![0] : null;
  return {
    results: slice.map(([id, types]) => ({ toObjectId: Number(id), associationTypes: types })),
    next,
  };
}

export const associationRoutes: RouteModule = (app, { store }) => {
  app.get<{
    Params: { objectType: string; objectId: string; toObjectType: string };
    Querystring: { after?: string; limit?: string };
  }>('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', async (req) => {
    const from = store.resolveType(req.params.objectType);
    const to = store.resolveType(req.params.toObjectType);
    if (!store.get(from, req.params.objectId)) {
      throw new SandboxInputError('OBJECT_NOT_FOUND', `${from} ${req.params.objectId} not found`, 404);
    }
    const limit = parseLimit(req.query.limit, PAGE, PAGE);
    const { results, next } = page(store.associations(from, req.params.objectId, to), req.query.after, limit);
    return { results, ...(next === null ? {} : { paging: { next: { after: next, link: '' } } }) };
  });

  app.post<{
    Params: { fromObjectType: string; toObjectType: string };
    Body: { inputs?: Array<{ id?: string | number; after?: string }> };
  }>('/crm/v4/associations/:fromObjectType/:toObjectType/batch/read', async (req, reply) => {
    const from = store.resolveType(req.params.fromObjectType);
    const to = store.resolveType(req.params.toObjectType);
    const inputs = req.body?.inputs;
    if (!Array.isArray(inputs)) throw new SandboxInputError('VALIDATION_ERROR', 'inputs is required');
    if (inputs.length > MAX_BATCH) {
      throw new SandboxInputError('VALIDATION_ERROR', `Batch input size exceeds the limit of ${MAX_BATCH}`);
    }
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const id = String(input.id ?? '');
      const linked = store.get(from, id) ? store.associations(from, id, to) : [];
      if (linked.length === 0) {
        errors.push(
          errorBody('OBJECT_NOT_FOUND', `No ${to} is associated with ${from} ${id}.`, {
            subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
            context: { fromObjectId: [id] },
            status: 'error',
          }),
        );
        continue;
      }
      const { results: toList, next } = page(linked, input.after, PAGE);
      results.push({
        from: { id },
        to: toList,
        ...(next === null ? {} : { paging: { next: { after: next } } }),
      });
    }
    const stamp = new Date().toISOString();
    return reply.code(errors.length > 0 ? 207 : 200).send({
      status: 'COMPLETE',
      results,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
      startedAt: stamp,
      completedAt: stamp,
    });
  });

  app.put<{
    Params: { fromObjectType: string; fromObjectId: string; toObjectType: string; toObjectId: string };
  }>(
    '/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId',
    async (req) => {
      const from = store.resolveType(req.params.fromObjectType);
      const to = store.resolveType(req.params.toObjectType);
      store.associate(from, req.params.fromObjectId, to, req.params.toObjectId);
      const stamp = new Date().toISOString();
      return {
        status: 'COMPLETE',
        results: [
          {
            from: { id: req.params.fromObjectId },
            to: { id: req.params.toObjectId },
            associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 0 },
          },
        ],
        startedAt: stamp,
        completedAt: stamp,
      };
    },
  );

  app.put<{
    Params: { objectType: string; objectId: string; toObjectType: string; toObjectId: string };
    Body: Array<{ associationCategory?: string; associationTypeId?: number }>;
  }>('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', async (req, reply) => {
    const from = store.resolveType(req.params.objectType);
    const to = store.resolveType(req.params.toObjectType);
    const typeId = Array.isArray(req.body) ? req.body[0]?.associationTypeId : undefined;
    store.associate(from, req.params.objectId, to, req.params.toObjectId, typeId);
    return reply.code(201).send({
      fromObjectTypeId: from,
      fromObjectId: Number(req.params.objectId),
      toObjectTypeId: to,
      toObjectId: Number(req.params.toObjectId),
      labels: [],
    });
  });
};

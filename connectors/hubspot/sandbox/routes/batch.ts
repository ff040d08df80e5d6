/**
 * CRM v3 batch endpoints (spec: `.../batch/read|create|update|upsert|archive` in each object's
 * file): at most 100 inputs, 200/201 when every input succeeds, 207 with `numErrors` and one
 * error per failed input (its ids in `context.ids`) otherwise. A property name that does not exist
 * fails the whole request with a 400; a bad value or a missing record fails only its input.
 * Deal splits (`/crm/v3/objects/deals/splits/batch/read|upsert`) live here too.
 */
import type { RouteModule } from '../context.js';
import { errorBody } from '../errors.js';
import { type HsRecord, type PortalStore, SandboxInputError } from '../portal-store.js';
import { serializeRecord } from '../serialize.js';

const MAX_INPUTS = 100;

type Params = { objectType: string };
type BatchInput = { id?: string | number; idProperty?: string; properties?: Record<string, unknown> };
interface BatchBody {
  inputs?: BatchInput[];
  properties?: string[];
  propertiesWithHistory?: string[];
  idProperty?: string;
}

function checkInputs(body: BatchBody | undefined): NonNullable<BatchBody['inputs']> {
  const inputs = body?.inputs;
  if (!Array.isArray(inputs)) throw new SandboxInputError('VALIDATION_ERROR', 'inputs is required');
  if (inputs.length > MAX_INPUTS) {
    throw new SandboxInputError(
      'VALIDATION_ERROR',
      `Batch input size exceeds the limit of ${MAX_INPUTS}: got ${inputs.length}`,
    );
  }
  return inputs;
}

/** Unknown property names fail the whole batch, as at HubSpot, before anything is written. */
function checkPropertyNames(
  store: PortalStore,
  type: string,
  inputs: NonNullable<BatchBody['inputs']>,
): void {
  const defs = store.properties(type);
  for (const input of inputs) {
    for (const name of Object.keys(input.properties ?? {})) {
      if (!defs.has(name)) {
        throw new SandboxInputError('VALIDATION_ERROR', `Property "${name}" does not exist`, 400, {
          propertyName: [name],
        });
      }
    }
  }
}

function batchAnswer(results: unknown[], errors: unknown[], okStatus: number) {
  const stamp = new Date().toISOString();
  const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: stamp, completedAt: stamp };
  if (errors.length > 0) {
    body['numErrors'] = errors.length;
    body['errors'] = errors;
  }
  return { status: errors.length > 0 ? 207 : okStatus, body };
}

function inputError(err: unknown, id: string) {
  if (err instanceof SandboxInputError) {
    return {
      ...errorBody(err.category, err.message, { context: { ...(err.context ?? {}), ids: [id] } }),
      status: 'error',
    };
  }
  throw err;
}

export const batchRoutes: RouteModule = (app, { store, limits }) => {
  app.post<{ Params: Params; Body: BatchBody }>(
    '/crm/v3/objects/:objectType/batch/read',
    async (req, reply) => {
      const type = store.resolveType(req.params.objectType);
      const inputs = checkInputs(req.body);
      const results: unknown[] = [];
      const missing: string[] = [];
      for (const input of inputs) {
        const id = String(input.id ?? '');
        const record = store.find(type, id, req.body?.idProperty);
        if (record) results.push(serializeRecord(store, type, record, req.body?.properties));
        else missing.push(id);
      }
      const errors =
        missing.length === 0
          ? []
          : [errorBody('OBJECT_NOT_FOUND', 'Could not get some records.', { context: { ids: missing } })];
      const answer = batchAnswer(results, errors, 200);
      return reply.code(answer.status).send(answer.body);
    },
  );

  app.post<{ Params: Params; Body: BatchBody }>(
    '/crm/v3/objects/:objectType/batch/create',
    async (req, reply) => {
      const type = store.resolveType(req.params.objectType);
      const inputs = checkInputs(req.body);
      checkPropertyNames(store, type, inputs);
      const results: unknown[] = [];
      const errors: unknown[] = [];
      for (const [i, input] of inputs.entries()) {
        try {
          const record = store.create(type, input.properties ?? {});
          results.push(serializeRecord(store, type, record, Object.keys(record.properties)));
        } catch (err) {
          errors.push(inputError(err, String(i)));
        }
      }
      const answer = batchAnswer(results, errors, 201);
      return reply.code(answer.status).send(answer.body);
    },
  );

  /** Runs one write per input; a thrown SandboxInputError fails that input only. */
  function eachInput(inputs: BatchInput[], write: (input: BatchInput, id: string) => unknown) {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const id = String(input.id ?? '');
      try {
        if (limits.failInput()) {
          throw new SandboxInputError('INTERNAL_ERROR', 'A temporary error occurred; retry this input.', 500);
        }
        results.push(write(input, id));
      } catch (err) {
        errors.push(inputError(err, id));
      }
    }
    return batchAnswer(results, errors, 200);
  }

  app.post<{ Params: Params; Body: BatchBody }>(
    '/crm/v3/objects/:objectType/batch/update',
    async (req, reply) => {
      const type = store.resolveType(req.params.objectType);
      const inputs = checkInputs(req.body);
      checkPropertyNames(store, type, inputs);
      const answer = eachInput(inputs, (input, id) => {
        const record = store.find(type, id, input.idProperty);
        if (!record) throw new SandboxInputError('OBJECT_NOT_FOUND', `Object ${id} was not found.`, 404);
        store.update(type, record.id, input.properties ?? {});
        return serializeRecord(store, type, record, Object.keys(input.properties ?? {}));
      });
      return reply.code(answer.status).send(answer.body);
    },
  );

  app.post<{ Params: Params; Body: BatchBody }>(
    '/crm/v3/objects/:objectType/batch/upsert',
    async (req, reply) => {
      const type = store.resolveType(req.params.objectType);
      const inputs = checkInputs(req.body);
      checkPropertyNames(store, type, inputs);
      const answer = eachInput(inputs, (input, id) => {
        const idProperty = input.idProperty;
        if (!idProperty) throw new SandboxInputError('VALIDATION_ERROR', 'idProperty is required for upsert');
        let record: HsRecord | undefined = store.find(type, id, idProperty);
        const created = record === undefined;
        if (record) store.update(type, record.id, input.properties ?? {});
        else record = store.create(type, { ...(input.properties ?? {}), [idProperty]: id });
        return {
          ...serializeRecord(store, type, record, [...Object.keys(input.properties ?? {}), idProperty]),
          new: created,
        };
      });
      return reply.code(answer.status).send(answer.body);
    },
  );

  app.post<{ Params: Params; Body: BatchBody }>(
    '/crm/v3/objects/:objectType/batch/archive',
    async (req, reply) => {
      const type = store.resolveType(req.params.objectType);
      for (const input of checkInputs(req.body)) store.archive(type, String(input.id ?? ''));
      return reply.code(204).send();
    },
  );

  // Deal splits: https://developers.hubspot.com/docs/api-reference/crm-deal-splits-v3/guide
  app.post<{ Body: { inputs?: Array<{ id?: string | number }> } }>(
    '/crm/v3/objects/deals/splits/batch/read',
    async (req, reply) => {
      const inputs = checkInputs(req.body as BatchBody);
      const results: unknown[] = [];
      const missing: string[] = [];
      for (const input of inputs) {
        const id = String(input.id ?? '');
        if (!store.get('deals', id)) {
          missing.push(id);
          continue;
        }
        results.push({
          id,
          splits: (store.splits.get(id) ?? []).map((s) => ({
            id: s.id,
            properties: { hs_deal_split_percentage: s.percentage, hubspot_owner_id: s.ownerId },
            createdAt: s.createdAt,
            updatedAt: s.updatedAt,
            archived: false,
          })),
        });
      }
      const errors =
        missing.length === 0
          ? []
          : [errorBody('OBJECT_NOT_FOUND', 'Deals not found.', { context: { ids: missing } })];
      const answer = batchAnswer(results, errors, 200);
      return reply.code(answer.status).send(answer.body);
    },
  );

  app.post<{
    Body: {
      inputs?: Array<{ id?: string | number; splits?: Array<{ ownerId: number; percentage: number }> }>;
    };
  }>('/crm/v3/objects/deals/splits/batch/upsert', async (req, reply) => {
    const inputs = checkInputs(req.body as BatchBody) as Array<{
      id?: string | number;
      splits?: Array<{ ownerId: number; percentage: number }>;
    }>;
    const results: unknown[] = [];
    for (const input of inputs) {
      const id = String(input.id ?? '');
      if (!store.get('deals', id))
        throw new SandboxInputError('OBJECT_NOT_FOUND', `Deal ${id} not found`, 404);
      const stamp = new Date(store.now()).toISOString();
      const splits = (input.splits ?? []).map((s) => ({
        id: store.newId(),
        ownerId: String(s.ownerId),
        percentage: String(s.percentage),
        createdAt: stamp,
        updatedAt: stamp,
      }));
      store.splits.set(id, splits);
      results.push({ id, splits: [] });
    }
    const answer = batchAnswer(results, [], 200);
    return reply.code(answer.status).send(answer.body);
  });
};

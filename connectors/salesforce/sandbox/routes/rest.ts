/**
 * The REST resources jsforce calls: versions, limits, query/queryAll with their locators, the
 * sObject resources (describe, record GET/PATCH/POST/DELETE, upsert by external id) and sObject
 * Collections (at most 200 records, per-record results, HTTP 200 even when records fail).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_list.htm
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type InputRecord, RequestError } from '../dml.js';
import { batchSizeFrom } from '../query-service.js';
import { plainValue } from '../record-json.js';
import { fieldOf, type ObjectDef } from '../schema.js';
import {
  apiVersion,
  JsonPieces,
  requestUser,
  type SandboxState,
  SUPPORTED_VERSIONS,
  sendJson,
} from '../state.js';

const REST = { config: { api: 'rest' } };
const MAX_COLLECTION = 200;

export function registerRestRoutes(app: FastifyInstance, state: SandboxState): void {
  const { store, access, dml, queries } = state;

  const objectFor = (request: FastifyRequest, name: string): ObjectDef => {
    const def = store.object(name);
    if (def === undefined || !access.canReadObject(requestUser(request), def)) {
      throw new RequestError(
        404,
        'NOT_FOUND',
        `The requested resource does not exist: sObject type '${name}'`,
      );
    }
    return def;
  };

  app.get('/services/data', { config: { api: 'identity' } }, async (_request, reply) =>
    sendJson(
      reply,
      200,
      SUPPORTED_VERSIONS.map((v) => ({ label: `v${v}`, url: `/services/data/v${v}`, version: v })),
    ),
  );

  app.get('/services/data/:version/limits', REST, async (request, reply) => {
    apiVersion(request);
    const { dailyApiLimit } = state.switches.get();
    return sendJson(reply, 200, {
      DailyApiRequests: { Max: dailyApiLimit, Remaining: Math.max(0, dailyApiLimit - state.stats.apiUsed) },
      DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
      DailyBulkV2QueryFileStorageMB: { Max: 976_562, Remaining: 976_562 },
    });
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
  for (const resource of ['query', 'queryAll']) {
    app.get(`/services/data/:version/${resource}`, REST, async (request, reply) => {
      const version = apiVersion(request);
      const q = (request.query as { q?: string }).q;
      if (q === undefined || q.trim() === '') {
        throw new RequestError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
      }
      const batchSize = batchSizeFrom(request.headers['sforce-query-options']);
      return sendJson(reply, 200, new JsonPieces(queries.run(q, requestUser(request), version, batchSize)));
    });
    app.get(`/services/data/:version/${resource}/:locator`, REST, async (request, reply) => {
      const version = apiVersion(request);
      return sendJson(
        reply,
        200,
        new JsonPieces(queries.more((request.params as { locator: string }).locator, version)),
      );
    });
  }

  app.get('/services/data/:version/sobjects', REST, async (request, reply) => {
    apiVersion(request);
    const userId = requestUser(request);
    const sobjects = store
      .allObjects()
      .filter((def) => access.canReadObject(userId, def))
      .map((def) => ({
        name: def.name,
        label: def.label,
        labelPlural: def.labelPlural,
        keyPrefix: def.keyPrefix,
        custom: def.custom,
        queryable: true,
        createable: true,
        updateable: true,
        deletable: true,
      }));
    return sendJson(reply, 200, { encoding: 'UTF-8', maxBatchSize: 200, sobjects });
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
  app.get('/services/data/:version/sobjects/:type/describe', REST, async (request, reply) => {
    const version = apiVersion(request);
    const def = objectFor(request, (request.params as { type: string }).type);
    return sendJson(reply, 200, describe(state, def, requestUser(request), version));
  });

  app.get('/services/data/:version/sobjects/:type/:id', REST, async (request, reply) => {
    const version = apiVersion(request);
    const { type, id } = request.params as { type: string; id: string };
    const def = objectFor(request, type);
    const rec = store.table(def.name).get(id);
    if (rec === undefined) throw new RequestError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const readable = access.readableFields(requestUser(request), def);
    const wanted = (request.query as { fields?: string }).fields;
    const names =
      wanted === undefined ? [...readable.keys()] : wanted.split(',').map((f) => f.trim().toLowerCase());
    const out: Record<string, unknown> = {
      attributes: { type: def.name, url: `/services/data/v${version}/sobjects/${def.name}/${id}` },
    };
    for (const key of names) {
      const field = readable.get(key);
      if (field === undefined)
        throw new RequestError(
          400,
          'INVALID_FIELD',
          `No such column '${key}' on sobject of type ${def.name}`,
        );
      out[field.name] = plainValue(field.type, rec[field.name]);
    }
    return sendJson(reply, 200, out);
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
  app.patch('/services/data/:version/sobjects/:type/:id', REST, async (request, reply) => {
    apiVersion(request);
    const { type, id } = request.params as { type: string; id: string };
    const def = objectFor(request, type);
    const input = bodyObject(request.body);
    const userId = requestUser(request);
    dml.checkFieldNames(userId, def, [input]);
    const result = dml.update(userId, def, id, input);
    if (!result.success) return sendErrors(reply, result.errors);
    return reply.code(204).send();
  });

  app.delete('/services/data/:version/sobjects/:type/:id', REST, async (request, reply) => {
    apiVersion(request);
    const { type, id } = request.params as { type: string; id: string };
    const result = dml.delete(objectFor(request, type), id);
    if (!result.success) throw new RequestError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
    return reply.code(204).send();
  });

  app.post('/services/data/:version/sobjects/:type', REST, async (request, reply) => {
    apiVersion(request);
    const def = objectFor(request, (request.params as { type: string }).type);
    const input = bodyObject(request.body);
    const userId = requestUser(request);
    dml.checkFieldNames(userId, def, [input]);
    const result = dml.insert(userId, def, input);
    if (!result.success) return sendErrors(reply, result.errors);
    return sendJson(reply, 201, { id: result.id, success: true, errors: [] });
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
  app.patch('/services/data/:version/sobjects/:type/:field/:value', REST, async (request, reply) => {
    apiVersion(request);
    const { type, field, value } = request.params as { type: string; field: string; value: string };
    const def = objectFor(request, type);
    const input = { ...bodyObject(request.body), [field]: value };
    const userId = requestUser(request);
    dml.checkFieldNames(userId, def, [input]);
    const result = dml.upsert(userId, def, field, input);
    if (!result.success) return sendErrors(reply, result.errors);
    return sendJson(reply, result.created ? 201 : 200, {
      id: result.id,
      success: true,
      errors: [],
      created: result.created,
    });
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
  const collection = (request: FastifyRequest): { allOrNone: boolean; records: InputRecord[] } => {
    const body = bodyObject(request.body);
    const records = body['records'];
    if (!Array.isArray(records) || records.some((r) => typeof r !== 'object' || r === null)) {
      throw new RequestError(400, 'JSON_PARSER_ERROR', 'records must be an array of objects');
    }
    if (records.length > MAX_COLLECTION) {
      throw new RequestError(
        400,
        'EXCEEDED_ID_LIMIT',
        `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`,
      );
    }
    return { allOrNone: body['allOrNone'] === true, records: records as InputRecord[] };
  };
  const typeOf = (request: FastifyRequest, rec: InputRecord, fallback?: ObjectDef): ObjectDef => {
    const type = (rec['attributes'] as { type?: unknown } | undefined)?.type;
    if (typeof type !== 'string') {
      if (fallback !== undefined) return fallback;
      throw new RequestError(400, 'INVALID_TYPE', 'Each record must have attributes.type');
    }
    return objectFor(request, type);
  };

  for (const [method, op] of [
    ['PATCH', 'update'],
    ['POST', 'insert'],
  ] as const) {
    app.route({
      method,
      url: '/services/data/:version/composite/sobjects',
      ...REST,
      handler: async (request, reply) => {
        apiVersion(request);
        const { allOrNone, records } = collection(request);
        const userId = requestUser(request);
        const items = records.map((input) => ({ def: typeOf(request, input), op, input }));
        const check = dml.fieldNameCheck(userId);
        for (const item of items) check(item.def, item.input);
        return sendJson(reply, 200, dml.many(userId, items, allOrNone, { lockFailures: true }));
      },
    });
  }

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
  app.patch('/services/data/:version/composite/sobjects/:type/:field', REST, async (request, reply) => {
    apiVersion(request);
    const { type, field } = request.params as { type: string; field: string };
    const def = objectFor(request, type);
    const ext = fieldOf(def, field);
    if (ext === undefined || ext.externalId !== true) {
      throw new RequestError(
        400,
        'INVALID_FIELD',
        `Field name provided, ${field} is not an External ID or indexed field for ${def.name}`,
      );
    }
    const { allOrNone, records } = collection(request);
    const userId = requestUser(request);
    const items = records.map((input) => ({
      def: typeOf(request, input, def),
      op: 'upsert' as const,
      input,
      extField: ext.name,
    }));
    const check = dml.fieldNameCheck(userId);
    for (const item of items) {
      if (item.def.name !== def.name)
        throw new RequestError(400, 'INVALID_TYPE', 'All records must be of the type in the URL');
      check(def, item.input);
    }
    return sendJson(reply, 200, dml.many(userId, items, allOrNone, { lockFailures: true }));
  });
}

function bodyObject(body: unknown): InputRecord {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  }
  return body as InputRecord;
}

function sendErrors(
  reply: import('fastify').FastifyReply,
  errors: { statusCode: string; message: string; fields: string[] }[],
) {
  return sendJson(
    reply,
    400,
    errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })),
  );
}

function describe(state: SandboxState, def: ObjectDef, userId: string, version: string): unknown {
  const fields = [...state.access.readableFields(userId, def).values()].map((f) => ({
    name: f.name,
    label: f.label,
    type: f.type,
    custom: f.custom,
    nillable: f.nillable,
    updateable: f.updateable && state.access.canEditField(userId, def, f),
    createable: f.createable && state.access.canEditField(userId, def, f),
    filterable: f.type !== 'textarea',
    sortable: f.type !== 'textarea',
    externalId: f.externalId === true,
    unique: f.unique === true,
    idLookup: f.type === 'id' || f.externalId === true,
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    polymorphicForeignKey: (f.referenceTo?.length ?? 0) > 1,
    length: f.length ?? (f.type === 'string' ? 255 : 0),
    precision: f.precision ?? 0,
    scale: f.scale ?? 0,
    defaultValue: f.type === 'boolean' ? false : null,
  }));
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    queryable: true,
    createable: true,
    updateable: true,
    deletable: true,
    fields,
    childRelationships: [...def.childRelationships.values()].map((c) => ({
      childSObject: c.childSObject,
      field: c.field,
      relationshipName: c.relationshipName,
      cascadeDelete: false,
    })),
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

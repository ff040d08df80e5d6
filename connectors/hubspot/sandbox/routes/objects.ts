/**
 * CRM v3 objects, one record at a time and by page (spec: PublicApiSpecs/CRM/Deals/Rollouts/424/v3/deals.json,
 * the same for every object type): list with `after` paging and inline associations, get by id or
 * unique property, create (201), update, archive (204).
 */
import type { RouteModule } from '../context.js';
import { compareIds, SandboxInputError } from '../portal-store.js';
import { listParam, parseLimit, serializeRecord } from '../serialize.js';

type Query = Record<string, unknown>;
type Params = { objectType: string; objectId?: string };

export const objectRoutes: RouteModule = (app, { store }) => {
  app.get<{ Params: Params; Querystring: Query }>('/crm/v3/objects/:objectType', async (req) => {
    const type = store.resolveType(req.params.objectType);
    const limit = parseLimit(req.query['limit'], 10, 100);
    const after = req.query['after'] === undefined ? null : String(req.query['after']);
    const archived = String(req.query['archived'] ?? 'false') === 'true';
    const properties = listParam(req.query['properties']);
    const associations = listParam(req.query['associations']);
    const page = [];
    let next: string | null = null;
    for (const record of store.all(type).values()) {
      if (record.archived !== archived) continue;
      if (after !== null && compareIds(record.id, after) <= 0) continue;
      if (page.length === limit) {
        next = page[page.length - 1]!.id;
        break;
      }
      page.push(record);
    }
    return {
      results: page.map((r) => serializeRecord(store, type, r, properties, associations)),
      ...(next === null
        ? {}
        : { paging: { next: { after: next, link: `${req.url.split('?')[0]}?after=${next}` } } }),
    };
  });

  app.get<{ Params: Params; Querystring: Query }>(
    '/crm/v3/objects/:objectType/:objectId',
    async (req, reply) => {
      const type = store.resolveType(req.params.objectType);
      const idProperty = req.query['idProperty'] === undefined ? undefined : String(req.query['idProperty']);
      const record = store.find(type, req.params.objectId ?? '', idProperty);
      if (!record) {
        throw new SandboxInputError(
          'OBJECT_NOT_FOUND',
          `Object not found. objectId are usually numeric.`,
          404,
        );
      }
      reply.type('application/json');
      return serializeRecord(
        store,
        type,
        record,
        listParam(req.query['properties']),
        listParam(req.query['associations']),
      );
    },
  );

  app.post<{
    Params: Params;
    Body: { properties?: Record<string, unknown>; associations?: AssociationInput[] };
  }>('/crm/v3/objects/:objectType', async (req, reply) => {
    const type = store.resolveType(req.params.objectType);
    const record = store.create(type, req.body?.properties ?? {});
    for (const a of req.body?.associations ?? []) linkInline(type, record.id, a);
    reply.code(201);
    return serializeRecord(store, type, record, Object.keys(record.properties));
  });

  app.patch<{ Params: Params; Querystring: Query; Body: { properties?: Record<string, unknown> } }>(
    '/crm/v3/objects/:objectType/:objectId',
    async (req) => {
      const type = store.resolveType(req.params.objectType);
      const idProperty = req.query['idProperty'] === undefined ? undefined : String(req.query['idProperty']);
      const record = store.find(type, req.params.objectId ?? '', idProperty);
      if (!record) throw new SandboxInputError('OBJECT_NOT_FOUND', `Object not found`, 404);
      store.update(type, record.id, req.body?.properties ?? {});
      return serializeRecord(store, type, record, Object.keys(record.properties));
    },
  );

  app.delete<{ Params: Params }>('/crm/v3/objects/:objectType/:objectId', async (req, reply) => {
    const type = store.resolveType(req.params.objectType);
    store.archive(type, req.params.objectId ?? '');
    return reply.code(204).send();
  });

  /** `associations: [{to: {id}, types: [{associationCategory, associationTypeId}]}]` on create. */
  function linkInline(type: string, id: string, a: AssociationInput): void {
    const typeId = a.types?.[0]?.associationTypeId;
    const toType = findTypeForAssociation(typeId, a.to?.id);
    store.associate(type, id, toType, String(a.to?.id), typeId);
  }

  /** HubSpot infers the target object type from the association type id; so does the sandbox. */
  function findTypeForAssociation(typeId: number | undefined, toId: unknown): string {
    const byTypeId: Record<number, string> = {
      3: 'contacts',
      341: 'companies',
      5: 'companies',
      205: 'calls',
      211: 'meetings',
      206: 'deals',
      212: 'deals',
      194: 'contacts',
      200: 'contacts',
      182: 'companies',
      188: 'companies',
      4: 'deals',
      279: 'companies',
      193: 'calls',
      199: 'meetings',
      342: 'deals',
      181: 'calls',
      187: 'meetings',
      280: 'contacts',
    };
    const type = typeId === undefined ? undefined : byTypeId[typeId];
    if (!type) {
      throw new SandboxInputError(
        'VALIDATION_ERROR',
        `Unknown associationTypeId ${typeId} for object ${String(toId)}`,
      );
    }
    return type;
  }
};

export interface AssociationInput {
  to?: { id?: string | number };
  types?: Array<{ associationCategory?: string; associationTypeId?: number }>;
}

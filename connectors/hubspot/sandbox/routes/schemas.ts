/**
 * Custom object schemas (spec: PublicApiSpecs/CRM/Schemas, `/crm/v3/schemas`; SDK 14 calls
 * `/crm-object-schemas/v3/schemas`, so both prefixes answer). A portal without custom objects
 * lists none and answers a create with 403.
 */
import type { RouteModule } from '../context.js';
import { type CustomSchema, type PortalStore, SandboxInputError } from '../portal-store.js';
import { propertyBody } from './properties.js';

function schemaBody(store: PortalStore, s: CustomSchema) {
  return {
    ...s,
    properties: [...store.properties(s.objectTypeId).values()].map(propertyBody),
    associations: [],
    archived: false,
  };
}

export const schemaRoutes: RouteModule = (app, { store }) => {
  for (const prefix of ['/crm/v3/schemas', '/crm-object-schemas/v3/schemas']) {
    app.get(prefix, async () => ({ results: [...store.schemas.values()].map((s) => schemaBody(store, s)) }));

    app.get<{ Params: { objectType: string } }>(`${prefix}/:objectType`, async (req) => {
      let type: string;
      try {
        type = store.resolveType(req.params.objectType);
      } catch {
        throw new SandboxInputError(
          'OBJECT_NOT_FOUND',
          `Object type ${req.params.objectType} not found`,
          404,
        );
      }
      const s = store.schemas.get(type);
      if (!s)
        throw new SandboxInputError(
          'OBJECT_NOT_FOUND',
          `Object type ${req.params.objectType} not found`,
          404,
        );
      return schemaBody(store, s);
    });

    app.post<{ Body: Parameters<PortalStore['addSchema']>[0] }>(prefix, async (req, reply) => {
      const body = req.body;
      if (!body?.name || !body.labels || !Array.isArray(body.properties)) {
        throw new SandboxInputError('VALIDATION_ERROR', 'name, labels and properties are required');
      }
      const s = store.addSchema(body);
      return reply.code(201).send(schemaBody(store, s));
    });
  }
};

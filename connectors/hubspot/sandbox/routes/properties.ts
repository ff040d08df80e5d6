/**
 * Properties v3 and property groups (spec: PublicApiSpecs/CRM/Properties/Rollouts/145899/v3/properties.json):
 * create answers 201 with the Property, a name that exists answers 409 OBJECT_ALREADY_EXISTS.
 */
import type { RouteModule } from '../context.js';
import { type PropertyDef, SandboxInputError } from '../portal-store.js';

export function propertyBody(p: PropertyDef) {
  return {
    name: p.name,
    label: p.label,
    type: p.type,
    fieldType: p.fieldType,
    groupName: p.groupName,
    description: p.description,
    options: p.options,
    displayOrder: -1,
    calculated: p.calculated,
    externalOptions: false,
    hasUniqueValue: p.hasUniqueValue,
    hidden: false,
    formField: false,
    modificationMetadata: {
      archivable: !p.calculated,
      readOnlyDefinition: p.calculated,
      readOnlyValue: p.calculated,
    },
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    archived: false,
  };
}

type Body = Partial<PropertyDef> & { name?: string };

function propertyInput(body: Body | undefined) {
  if (!body?.name || !body.label || !body.type || !body.fieldType) {
    throw new SandboxInputError('VALIDATION_ERROR', 'name, label, type and fieldType are required');
  }
  if (!body.groupName) throw new SandboxInputError('VALIDATION_ERROR', 'groupName is required');
  return { ...body, name: body.name };
}

export const propertyRoutes: RouteModule = (app, { store }) => {
  app.get<{ Params: { objectType: string } }>('/crm/v3/properties/:objectType', async (req) => {
    const type = store.resolveType(req.params.objectType);
    return { results: [...store.properties(type).values()].map(propertyBody) };
  });

  app.get<{ Params: { objectType: string; propertyName: string } }>(
    '/crm/v3/properties/:objectType/:propertyName',
    async (req) => {
      const type = store.resolveType(req.params.objectType);
      const p = store.properties(type).get(req.params.propertyName);
      if (!p)
        throw new SandboxInputError(
          'OBJECT_NOT_FOUND',
          `Property ${req.params.propertyName} does not exist`,
          404,
        );
      return propertyBody(p);
    },
  );

  app.post<{ Params: { objectType: string }; Body: Body }>(
    '/crm/v3/properties/:objectType',
    async (req, reply) => {
      const type = store.resolveType(req.params.objectType);
      const created = store.addProperty(type, propertyInput(req.body));
      return reply.code(201).send(propertyBody(created));
    },
  );

  app.patch<{ Params: { objectType: string; propertyName: string }; Body: Body }>(
    '/crm/v3/properties/:objectType/:propertyName',
    async (req) => {
      const type = store.resolveType(req.params.objectType);
      const p = store.properties(type).get(req.params.propertyName);
      if (!p)
        throw new SandboxInputError(
          'OBJECT_NOT_FOUND',
          `Property ${req.params.propertyName} does not exist`,
          404,
        );
      for (const key of ['label', 'description', 'groupName', 'fieldType', 'type', 'options'] as const) {
        const value = req.body?.[key];
        if (value !== undefined) (p as unknown as Record<string, unknown>)[key] = value;
      }
      p.updatedAt = new Date(store.now()).toISOString();
      return propertyBody(p);
    },
  );

  app.get<{ Params: { objectType: string } }>('/crm/v3/properties/:objectType/groups', async (req) => {
    const type = store.resolveType(req.params.objectType);
    return { results: [...store.propertyGroups(type).values()] };
  });

  app.get<{ Params: { objectType: string; groupName: string } }>(
    '/crm/v3/properties/:objectType/groups/:groupName',
    async (req) => {
      const type = store.resolveType(req.params.objectType);
      const g = store.propertyGroups(type).get(req.params.groupName);
      if (!g)
        throw new SandboxInputError(
          'OBJECT_NOT_FOUND',
          `Property group ${req.params.groupName} does not exist`,
          404,
        );
      return g;
    },
  );

  app.post<{
    Params: { objectType: string };
    Body: { name?: string; label?: string; displayOrder?: number };
  }>('/crm/v3/properties/:objectType/groups', async (req, reply) => {
    const type = store.resolveType(req.params.objectType);
    if (!req.body?.name || !req.body.label)
      throw new SandboxInputError('VALIDATION_ERROR', 'name and label are required');
    const g = store.addGroup(type, {
      name: req.body.name,
      label: req.body.label,
      displayOrder: req.body.displayOrder,
    });
    return reply.code(201).send(g);
  });
};

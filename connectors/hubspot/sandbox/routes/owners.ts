/**
 * Owners v3 (spec: PublicApiSpecs/CRM/Crm Owners/Rollouts/146888/v3/crmOwners.json). The SDK calls
 * `/crm/v3/owners` without arguments and `/crm/v3/owners/` with them, so both routes answer.
 */
import type { RouteModule } from '../context.js';
import type { Owner } from '../portal-store.js';
import { compareIds, SandboxInputError } from '../portal-store.js';
import { parseLimit } from '../serialize.js';

export function ownerBody(o: Owner) {
  return {
    id: o.id,
    email: o.email,
    firstName: o.firstName,
    lastName: o.lastName,
    userId: o.archived ? null : o.userId,
    userIdIncludingInactive: o.userId,
    type: 'PERSON',
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    archived: o.archived,
    teams: o.teams,
  };
}

export const ownerRoutes: RouteModule = (app, { store }) => {
  const list = async (req: { query: Record<string, string | undefined> }) => {
    const limit = parseLimit(req.query['limit'], 100, 500);
    const archived = req.query['archived'] === 'true';
    const email = req.query['email']?.toLowerCase();
    const after = req.query['after'];
    const all = store.owners
      .filter((o) => o.archived === archived && (email === undefined || o.email.toLowerCase() === email))
      .filter((o) => after === undefined || compareIds(o.id, after) > 0)
      .sort((a, b) => compareIds(a.id, b.id));
    const page = all.slice(0, limit);
    const next = all.length > limit ? page[page.length - 1]!.id : null;
    return {
      results: page.map(ownerBody),
      ...(next === null ? {} : { paging: { next: { after: next, link: `/crm/v3/owners/?after=${next}` } } }),
    };
  };
  app.get<{ Querystring: Record<string, string | undefined> }>('/crm/v3/owners', list);
  app.get<{ Querystring: Record<string, string | undefined> }>('/crm/v3/owners/', list);

  app.get<{ Params: { ownerId: string }; Querystring: { idProperty?: string; archived?: string } }>(
    '/crm/v3/owners/:ownerId',
    async (req) => {
      const byUser = req.query.idProperty === 'userId';
      const archived = req.query.archived === 'true';
      const owner = store.owners.find(
        (o) =>
          (byUser ? String(o.userId) === req.params.ownerId : o.id === req.params.ownerId) &&
          o.archived === archived,
      );
      if (!owner)
        throw new SandboxInputError('OBJECT_NOT_FOUND', `Owner ${req.params.ownerId} not found`, 404);
      return ownerBody(owner);
    },
  );
};

/**
 * How the sandbox answers with a record (spec `SimplePublicObject` /
 * `SimplePublicObjectWithAssociations`): only the asked-for properties (or the object's
 * defaults), every value a string or null, associations inline in the v3 shape.
 */
import { compareIds, type HsRecord, type PortalStore, SandboxInputError } from './portal-store.js';

const DEFAULT_PROPERTIES: Record<string, string[]> = {
  deals: [
    'dealname',
    'amount',
    'closedate',
    'pipeline',
    'dealstage',
    'createdate',
    'hs_lastmodifieddate',
    'hs_object_id',
  ],
  contacts: ['email', 'firstname', 'lastname', 'createdate', 'lastmodifieddate', 'hs_object_id'],
  companies: ['name', 'domain', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  meetings: ['hs_timestamp', 'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  calls: ['hs_timestamp', 'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** `properties=a&properties=b` arrives as an array, `properties=a,b` as one string: accept both. */
export function listParam(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : [value];
  const out = items
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return out;
}

export function pickProperties(
  store: PortalStore,
  type: string,
  record: HsRecord,
  requested: string[] | undefined,
): Record<string, string | null> {
  const names =
    requested && requested.length > 0
      ? requested
      : store.isCustomType(type)
        ? ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id']
        : (DEFAULT_PROPERTIES[type] ?? ['hs_object_id']);
  const out: Record<string, string | null> = {};
  for (const name of names) {
    // Unknown names are left out silently, as HubSpot does; known but empty ones come back null.
    if (name in record.properties) out[name] = record.properties[name] ?? null;
    else if (store.properties(type).has(name)) out[name] = null;
  }
  return out;
}

export function serializeRecord(
  store: PortalStore,
  type: string,
  record: HsRecord,
  properties: string[] | undefined,
  associations?: string[],
) {
  const body: Record<string, unknown> = {
    id: record.id,
    properties: pickProperties(store, type, record, properties),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    archived: record.archived,
  };
  if (associations && associations.length > 0) {
    const assoc: Record<string, unknown> = {};
    for (const name of associations) {
      let toType: string;
      try {
        toType = store.resolveType(name);
      } catch {
        continue;
      }
      const linked = store.associations(type, record.id, toType);
      if (linked.length === 0) continue;
      assoc[name] = {
        results: linked
          .sort((a, b) => compareIds(a[0], b[0]))
          .map(([id]) => ({ id, type: `${singular(type)}_to_${singular(toType)}` })),
      };
    }
    if (Object.keys(assoc).length > 0) body['associations'] = assoc;
  }
  return body;
}

function singular(type: string): string {
  return type.replace(/ies$/, 'y').replace(/s$/, '');
}

export function parseLimit(raw: unknown, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new SandboxInputError('VALIDATION_ERROR', `limit must be a positive integer`);
  if (n > max) throw new SandboxInputError('VALIDATION_ERROR', `limit must be less than or equal to ${max}`);
  return n;
}

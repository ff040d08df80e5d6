/**
 * `playercoach install` for HubSpot: the `playercoach` deal property group, the five pc_ deal
 * properties, and the pc_manager_attainment custom object where the portal allows custom objects
 * (Enterprise). Idempotent: it reads what exists first, creates what is missing, updates a
 * property whose definition drifted (label, type, field type, description), and leaves the rest;
 * a 409 from a concurrent install counts as existing. A portal without custom objects is reported
 * in `skipped`, not as a failure.
 */
import { PlayercoachError } from '../../src/errors.js';
import type { InstallReport } from '../types.js';
import type { HubSpotApi } from './client.js';
import {
  attainmentSchemaEgg,
  PC_ATTAINMENT_OBJECT_NAME,
  PC_ATTAINMENT_PROPERTIES,
  PC_DEAL_PROPERTIES,
  PC_GROUP,
  type PropertyDefinition,
} from './pc-properties.js';

function isCode(err: unknown, code: string): boolean {
  return err instanceof PlayercoachError && err.code === code;
}

function drifted(
  want: PropertyDefinition,
  have: { label?: string; type?: string; fieldType?: string; description?: string },
): boolean {
  return (
    have.label !== want.label ||
    have.type !== want.type ||
    have.fieldType !== want.fieldType ||
    (have.description ?? '') !== want.description
  );
}

export async function installHubSpot(api: HubSpotApi): Promise<InstallReport & { skipped: string[] }> {
  const report = {
    created: [] as string[],
    existing: [] as string[],
    updated: [] as string[],
    skipped: [] as string[],
  };

  const groupName = `deal property group ${PC_GROUP.name}`;
  try {
    // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/groups/get-crm-v3-properties-objectType-groups-groupName
    await api.call('read property group', (c) =>
      c.crm.properties.groupsApi.getByName('deals', PC_GROUP.name),
    );
    report.existing.push(groupName);
  } catch (err) {
    if (!isCode(err, 'NOT_FOUND')) throw err;
    try {
      // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/groups/post-crm-v3-properties-objectType-groups
      await api.call('create property group', (c) =>
        c.crm.properties.groupsApi.create('deals', { ...PC_GROUP }),
      );
      report.created.push(groupName);
    } catch (createErr) {
      if (!isCode(createErr, 'CONFLICT')) throw createErr;
      report.existing.push(groupName);
    }
  }

  // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/get-crm-v3-properties-objectType
  const existing = await api.call('read deal properties', (c) => c.crm.properties.coreApi.getAll('deals'));
  const byName = new Map(existing.results.map((p) => [p.name, p]));
  for (const def of PC_DEAL_PROPERTIES) {
    const name = `deal property ${def.name}`;
    const have = byName.get(def.name);
    const body = { ...def, groupName: PC_GROUP.name } as never;
    if (!have) {
      try {
        // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/post-crm-v3-properties-objectType
        await api.call('create deal property', (c) => c.crm.properties.coreApi.create('deals', body));
        report.created.push(name);
      } catch (err) {
        if (!isCode(err, 'CONFLICT')) throw err;
        report.existing.push(name);
      }
    } else if (drifted(def, have) || have.groupName !== PC_GROUP.name) {
      // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/patch-crm-v3-properties-objectType-propertyName
      await api.call('update deal property', (c) => c.crm.properties.coreApi.update('deals', def.name, body));
      report.updated.push(name);
    } else {
      report.existing.push(name);
    }
  }

  const objectName = `custom object ${PC_ATTAINMENT_OBJECT_NAME}`;
  let schemas: Array<{ name: string; objectTypeId: string; properties: Array<{ name: string }> }>;
  try {
    // https://developers.hubspot.com/docs/api-reference/crm-schemas-v3/core/get-crm-v3-schemas
    const answer = await api.call('read schemas', (c) => c.crm.schemas.coreApi.getAll());
    schemas = answer.results.map((s) => ({
      name: s.name,
      objectTypeId: s.objectTypeId ?? s.id,
      properties: s.properties.map((p) => ({ name: p.name })),
    }));
  } catch (err) {
    if (!isCode(err, 'UNAUTHORIZED')) throw err;
    report.skipped.push(
      `${objectName}: the app may not read custom object schemas in this portal (${(err as Error).message})`,
    );
    return report;
  }
  const schema = schemas.find((s) => s.name === PC_ATTAINMENT_OBJECT_NAME);
  if (!schema) {
    try {
      // https://developers.hubspot.com/docs/api-reference/crm-schemas-v3/core/post-crm-v3-schemas
      await api.call('create schema', (c) => c.crm.schemas.coreApi.create(attainmentSchemaEgg() as never));
      report.created.push(objectName);
    } catch (err) {
      if (isCode(err, 'CONFLICT')) report.existing.push(objectName);
      else if (isCode(err, 'UNAUTHORIZED')) {
        report.skipped.push(
          `${objectName}: the portal does not allow custom objects (HubSpot Enterprise); attainment records are not written`,
        );
      } else throw err;
    }
    return report;
  }
  report.existing.push(objectName);
  const have = new Set(schema.properties.map((p) => p.name));
  for (const def of PC_ATTAINMENT_PROPERTIES) {
    if (have.has(def.name)) continue;
    await api.call('create attainment property', (c) =>
      c.crm.properties.coreApi.create(schema.objectTypeId, {
        ...def,
        groupName: `${PC_ATTAINMENT_OBJECT_NAME}_information`,
      } as never),
    );
    report.updated.push(`${objectName} property ${def.name}`);
  }
  return report;
}

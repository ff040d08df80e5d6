/**
 * Creates what playercoach needs in an org through the Metadata API: the attainment object, every
 * custom field, and a permission set granting access to them (a field made this way is invisible
 * to every profile until access is granted), assigned to the connected user. Each component is
 * read first and created only when missing, updated only when it differs, and every save result
 * is checked (the Metadata API reports failures in the result, it does not throw), so a second
 * run changes nothing.
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_crud_based_calls_intro.htm
 */
import type { InstallReport } from '../../connectors/types.js';
import { PlayercoachError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { type SalesforceApi, withRetry } from './connection.js';
import {
  ATTAINMENT_OBJECT_DEFINITION,
  FIELD_DEFINITIONS,
  PERMISSION_SET,
  PERMISSION_SET_DEFINITION,
} from './custom-fields.js';
import { soql } from './soql.js';

/** The Metadata API takes at most 10 components per create, read or update call. */
const PER_CALL = 10;

type Definition = { fullName: string } & Record<string, unknown>;
type MetadataKind = 'CustomObject' | 'CustomField' | 'PermissionSet';

interface SaveResult {
  fullName: string;
  success: boolean;
  errors?: { statusCode?: string; message?: string } | { statusCode?: string; message?: string }[] | null;
}

export async function installSchema(api: SalesforceApi, log?: Logger): Promise<InstallReport> {
  const report: InstallReport = { created: [], existing: [], updated: [] };
  const problems: string[] = [];
  // Order matters: fields need their object, the permission set needs the fields.
  await ensure(api, 'CustomObject', [ATTAINMENT_OBJECT_DEFINITION], objectDiffers, report, problems, log);
  await ensure(api, 'CustomField', FIELD_DEFINITIONS, fieldDiffers, report, problems, log);
  if (problems.length === 0) {
    await ensure(
      api,
      'PermissionSet',
      [PERMISSION_SET_DEFINITION],
      permissionSetDiffers,
      report,
      problems,
      log,
    );
  }
  if (problems.length === 0) await assignPermissionSet(api, report);
  if (problems.length > 0) {
    throw new PlayercoachError('CRM_REJECTED', `Salesforce install failed:\n${problems.join('\n')}`, {
      provider: 'salesforce',
    });
  }
  log?.info(
    { created: report.created.length, updated: report.updated.length },
    'salesforce schema installed',
  );
  return report;
}

async function ensure(
  api: SalesforceApi,
  type: MetadataKind,
  wanted: readonly Definition[],
  differs: (want: Definition, have: Record<string, unknown>) => boolean,
  report: InstallReport,
  problems: string[],
  log?: Logger,
): Promise<void> {
  const metadata = api.conn.metadata;
  for (let start = 0; start < wanted.length; start += PER_CALL) {
    const batch = wanted.slice(start, start + PER_CALL);
    // https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_readMetadata.htm
    const existing = (await withRetry(
      () =>
        metadata.read(
          type,
          batch.map((d) => d.fullName),
        ),
      api.retry,
      log,
    )) as unknown as Record<string, unknown>[];
    const toCreate: Definition[] = [];
    const toUpdate: Definition[] = [];
    batch.forEach((want, i) => {
      const have = existing[i];
      if (
        have === undefined ||
        have === null ||
        typeof have['fullName'] !== 'string' ||
        have['fullName'] === ''
      ) {
        toCreate.push(want);
      } else if (differs(want, have)) {
        toUpdate.push(want);
      } else {
        report.existing.push(`${type}:${want.fullName}`);
      }
    });
    // https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_createMetadata.htm
    // https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_updateMetadata.htm
    for (const [call, defs, done] of [
      ['create', toCreate, report.created],
      ['update', toUpdate, report.updated],
    ] as const) {
      if (defs.length === 0) continue;
      const save = () => (call === 'create' ? metadata.create(type, defs) : metadata.update(type, [...defs]));
      const results = (await withRetry(save, api.retry, log)) as unknown as SaveResult[];
      check(type, results, done, problems);
    }
  }
}

function check(type: MetadataKind, results: SaveResult[], done: string[], problems: string[]): void {
  for (const r of results) {
    if (r.success === true) {
      done.push(`${type}:${r.fullName}`);
      continue;
    }
    const errors =
      r.errors === undefined || r.errors === null ? [] : Array.isArray(r.errors) ? r.errors : [r.errors];
    const why =
      errors.map((e) => `${e.statusCode ?? 'ERROR'}: ${e.message ?? ''}`).join('; ') || 'no reason given';
    problems.push(`${type} ${r.fullName}: ${why}`);
  }
}

function same(a: unknown, b: unknown): boolean {
  return String(a ?? '') === String(b ?? '');
}

function fieldDiffers(want: Definition, have: Record<string, unknown>): boolean {
  return Object.keys(want).some((k) => k !== 'fullName' && !same(want[k], have[k]));
}

function objectDiffers(want: Definition, have: Record<string, unknown>): boolean {
  const wantName = want['nameField'] as Record<string, unknown>;
  const haveName = (have['nameField'] ?? {}) as Record<string, unknown>;
  return (
    Object.keys(want).some((k) => k !== 'fullName' && k !== 'nameField' && !same(want[k], have[k])) ||
    Object.keys(wantName).some((k) => !same(wantName[k], haveName[k]))
  );
}

function asList(v: unknown): Record<string, unknown>[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as Record<string, unknown>[];
}

function permissionSetDiffers(want: Definition, have: Record<string, unknown>): boolean {
  const fieldKeys = (list: unknown) =>
    asList(list)
      .map((p) => `${String(p['field']).toLowerCase()}|${String(p['readable'])}|${String(p['editable'])}`)
      .sort()
      .join(',');
  const objectKeys = (list: unknown) =>
    asList(list)
      .map((p) =>
        [
          'object',
          'allowCreate',
          'allowRead',
          'allowEdit',
          'allowDelete',
          'viewAllRecords',
          'modifyAllRecords',
        ]
          .map((k) => String(p[k]).toLowerCase())
          .join('|'),
      )
      .sort()
      .join(',');
  return (
    !same(want['label'], have['label']) ||
    !same(want['description'], have['description']) ||
    fieldKeys(want['fieldPermissions']) !== fieldKeys(have['fieldPermissions']) ||
    objectKeys(want['objectPermissions']) !== objectKeys(have['objectPermissions'])
  );
}

/** The permission set only grants access once it is assigned to the user the connector acts as. */
async function assignPermissionSet(api: SalesforceApi, report: InstallReport): Promise<void> {
  const name = `PermissionSetAssignment:${PERMISSION_SET}`;
  // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm&type=5
  const me = await api.request<{ user_id: string }>('GET', '/services/oauth2/userinfo');
  const sets = await api.query<{ Id: string }>(
    soql`SELECT Id FROM PermissionSet WHERE Name = ${PERMISSION_SET}`,
  );
  const setId = sets[0]?.Id;
  if (setId === undefined) {
    throw new PlayercoachError(
      'CRM_REJECTED',
      `permission set ${PERMISSION_SET} was saved but cannot be found`,
      {
        provider: 'salesforce',
      },
    );
  }
  const assigned = await api.query<{ Id: string }>(
    soql`SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ${me.user_id} AND PermissionSetId = ${setId}`,
  );
  if (assigned.length > 0) {
    report.existing.push(name);
    return;
  }
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
  await api.request('POST', '/sobjects/PermissionSetAssignment', {
    AssigneeId: me.user_id,
    PermissionSetId: setId,
  });
  report.created.push(name);
}

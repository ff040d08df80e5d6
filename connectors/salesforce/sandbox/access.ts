/**
 * Field-level security as Salesforce applies it to fields made through the Metadata API: a new
 * custom field, or a custom object, is invisible to the API user until a permission set that
 * grants access is assigned to them (PermissionSetAssignment). Standard fields and objects are
 * always visible. Queries and writes on an invisible field fail with INVALID_FIELD, as they do
 * in an org where the installer forgot the permission set.
 */
import type { OrgStore } from './org-store.js';
import type { FieldDef, ObjectDef } from './schema.js';

export interface FieldPermission {
  field: string;
  readable: boolean;
  editable: boolean;
}

export interface ObjectPermission {
  object: string;
  allowRead: boolean;
  allowCreate: boolean;
  allowEdit: boolean;
  allowDelete: boolean;
}

export interface PermissionSetGrants {
  fullName: string;
  fields: Map<string, FieldPermission>;
  objects: Map<string, ObjectPermission>;
}

/** A user's permission sets, as of the versions of what they were read from. */
interface UserGrants {
  assignments: number;
  sets: number;
  grants: number;
  list: PermissionSetGrants[];
}

export class Access {
  /** Keyed by lower-case permission set name (the metadata fullName, the PermissionSet.Name). */
  private readonly permissionSets = new Map<string, PermissionSetGrants>();
  private grantsVersion = 0;
  /**
   * Every write checks each custom field it sets against the writer's permission sets: worked out
   * once per user and kept until an assignment, a permission set or its grants change.
   */
  private readonly byUser = new Map<string, UserGrants>();

  constructor(private readonly store: OrgStore) {}

  setGrants(grants: PermissionSetGrants): void {
    this.permissionSets.set(grants.fullName.toLowerCase(), grants);
    this.grantsVersion++;
  }

  private grantsOf(userId: string): PermissionSetGrants[] {
    const assignmentTable = this.store.table('PermissionSetAssignment');
    const sets = this.store.table('PermissionSet');
    const known = this.byUser.get(userId);
    if (
      known !== undefined &&
      known.assignments === assignmentTable.version &&
      known.sets === sets.version &&
      known.grants === this.grantsVersion
    ) {
      return known.list;
    }
    const list: PermissionSetGrants[] = [];
    for (const a of assignmentTable.lookup('AssigneeId', [userId])) {
      const ps = sets.get(String(a['PermissionSetId']));
      const grants = ps === undefined ? undefined : this.permissionSets.get(String(ps['Name']).toLowerCase());
      if (grants !== undefined) list.push(grants);
    }
    this.byUser.set(userId, {
      assignments: assignmentTable.version,
      sets: sets.version,
      grants: this.grantsVersion,
      list,
    });
    return list;
  }

  canReadObject(userId: string, def: ObjectDef): boolean {
    if (!def.custom) return true;
    const key = def.name.toLowerCase();
    return this.grantsOf(userId).some((g) => g.objects.get(key)?.allowRead === true);
  }

  canEditObject(userId: string, def: ObjectDef): boolean {
    if (!def.custom) return true;
    const key = def.name.toLowerCase();
    return this.grantsOf(userId).some((g) => g.objects.get(key)?.allowEdit === true);
  }

  canCreateObject(userId: string, def: ObjectDef): boolean {
    if (!def.custom) return true;
    const key = def.name.toLowerCase();
    return this.grantsOf(userId).some((g) => g.objects.get(key)?.allowCreate === true);
  }

  /** The fields of `def` this user can read, keyed by lower-case name. */
  readableFields(userId: string, def: ObjectDef): Map<string, FieldDef> {
    if (!this.canReadObject(userId, def)) return new Map();
    const grants = this.grantsOf(userId);
    const out = new Map<string, FieldDef>();
    for (const [key, field] of def.fields) {
      if (!field.custom || this.grants(grants, def, field, 'readable')) out.set(key, field);
    }
    return out;
  }

  canEditField(userId: string, def: ObjectDef, field: FieldDef): boolean {
    if (!field.updateable && !field.createable) return false;
    if (!field.custom) return true;
    return this.grants(this.grantsOf(userId), def, field, 'editable');
  }

  private grants(
    grants: PermissionSetGrants[],
    def: ObjectDef,
    field: FieldDef,
    what: 'readable' | 'editable',
  ): boolean {
    const key = `${def.name}.${field.name}`.toLowerCase();
    return grants.some((g) => g.fields.get(key)?.[what] === true);
  }
}

/**
 * The Metadata API's view of the org for the three component types playercoach installs:
 * CustomObject, CustomField and PermissionSet. Creating one changes the schema (a field becomes
 * describable and, once a permission set grants it, queryable); reading one returns what was
 * saved, so an installer can compare and a second install changes nothing.
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_crud_based_calls_intro.htm
 */
import type { Access, FieldPermission, ObjectPermission } from './access.js';
import type { OrgStore, SfRecord } from './org-store.js';
import { customObjectDef, type FieldDef, type FieldType, makeField } from './schema.js';

export const METADATA_TYPES = ['CustomObject', 'CustomField', 'PermissionSet'] as const;
export type MetadataType = (typeof METADATA_TYPES)[number];

/** A component as the SOAP body carried it: strings, nested objects and arrays. */
export type Definition = { [key: string]: unknown };

export interface SaveOutcome {
  fullName: string;
  success: boolean;
  created?: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
}

const FIELD_TYPES: Record<string, FieldType> = {
  Checkbox: 'boolean',
  Currency: 'currency',
  Date: 'date',
  DateTime: 'datetime',
  Email: 'email',
  LongTextArea: 'textarea',
  Lookup: 'reference',
  Number: 'double',
  Percent: 'percent',
  Picklist: 'picklist',
  Text: 'string',
  TextArea: 'string',
};

class MetadataFailure extends Error {
  constructor(
    readonly statusCode: string,
    message: string,
    readonly fields: string[] = [],
  ) {
    super(message);
  }
}

export class MetadataRegistry {
  private readonly components = new Map<string, Definition>();

  constructor(
    private readonly store: OrgStore,
    private readonly access: Access,
  ) {}

  private key(type: MetadataType, fullName: string): string {
    return `${type}:${fullName.toLowerCase()}`;
  }

  read(type: MetadataType, fullName: string): Definition | null {
    const def = this.components.get(this.key(type, fullName));
    if (def === undefined) return null;
    if (type !== 'CustomObject') return def;
    // A CustomObject reads back with its fields, named without the object prefix.
    const prefix = `CustomField:${fullName.toLowerCase()}.`;
    const fields: Definition[] = [];
    for (const [key, field] of this.components) {
      if (key.startsWith(prefix))
        fields.push({ ...field, fullName: String(field['fullName']).split('.')[1] });
    }
    return { ...def, fields };
  }

  save(type: MetadataType, def: Definition, mode: 'create' | 'update' | 'upsert'): SaveOutcome {
    const fullName = typeof def['fullName'] === 'string' ? def['fullName'] : '';
    try {
      if (fullName === '')
        throw new MetadataFailure('REQUIRED_FIELD_MISSING', 'fullName is required', ['fullName']);
      const exists = this.components.has(this.key(type, fullName));
      if (mode === 'create' && exists) {
        throw new MetadataFailure(
          'DUPLICATE_DEVELOPER_NAME',
          `There is already a ${type} named ${fullName}.`,
        );
      }
      if (mode === 'update' && !exists) {
        throw new MetadataFailure(
          'INVALID_CROSS_REFERENCE_KEY',
          `In field: fullName - no ${type} named ${fullName} found`,
        );
      }
      switch (type) {
        case 'CustomObject':
          this.applyObject(fullName, def);
          break;
        case 'CustomField':
          this.applyField(fullName, def);
          break;
        case 'PermissionSet':
          this.applyPermissionSet(fullName, def);
          break;
      }
      const { fields: _fields, ...stored } = def;
      this.components.set(this.key(type, fullName), type === 'CustomObject' ? stored : def);
      return { fullName, success: true, errors: [], ...(mode === 'upsert' ? { created: !exists } : {}) };
    } catch (err) {
      if (!(err instanceof MetadataFailure)) throw err;
      return {
        fullName,
        success: false,
        errors: [{ statusCode: err.statusCode, message: err.message, fields: err.fields }],
        ...(mode === 'upsert' ? { created: false } : {}),
      };
    }
  }

  private applyObject(fullName: string, def: Definition): void {
    if (!/^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*__c$/.test(fullName)) {
      throw new MetadataFailure('INVALID_FIELD', `Invalid custom object name: ${fullName}`, ['fullName']);
    }
    const label = str(def['label']);
    const pluralLabel = str(def['pluralLabel']);
    if (label === null || pluralLabel === null) {
      throw new MetadataFailure('FIELD_INTEGRITY_EXCEPTION', 'label and pluralLabel are required', ['label']);
    }
    const nameField = (def['nameField'] ?? {}) as Definition;
    const nameType = str(nameField['type']);
    if (nameType !== 'Text' && nameType !== 'AutoNumber') {
      throw new MetadataFailure('FIELD_INTEGRITY_EXCEPTION', 'nameField.type must be Text or AutoNumber', [
        'nameField',
      ]);
    }
    const existing = this.store.object(fullName);
    const objectDef = customObjectDef(fullName, label, pluralLabel, this.store.customPrefix(fullName), {
      label: str(nameField['label']) ?? `${label} Name`,
      ...(nameType === 'AutoNumber' ? { autoNumberFormat: str(nameField['displayFormat']) ?? '{0}' } : {}),
    });
    if (existing !== undefined) {
      // Keep the custom fields already created; only the object's own settings change.
      for (const [key, field] of existing.fields) if (field.custom) objectDef.fields.set(key, field);
      existing.label = objectDef.label;
      existing.labelPlural = objectDef.labelPlural;
      existing.autoNumberFormat = objectDef.autoNumberFormat;
    } else {
      this.store.addObject(objectDef);
    }
    const fields = Array.isArray(def['fields']) ? (def['fields'] as Definition[]) : [];
    for (const field of fields) {
      const full = `${fullName}.${String(field['fullName'])}`;
      this.applyField(full, field);
      this.components.set(this.key('CustomField', full), { ...field, fullName: full });
    }
  }

  private applyField(fullName: string, def: Definition): void {
    const [objectName, fieldName, ...rest] = fullName.split('.');
    if (objectName === undefined || fieldName === undefined || rest.length > 0) {
      throw new MetadataFailure('INVALID_FIELD', `Invalid field name: ${fullName}; use Object.Field__c`, [
        'fullName',
      ]);
    }
    if (!/^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*__c$/.test(fieldName)) {
      throw new MetadataFailure('INVALID_FIELD', `Invalid custom field name: ${fieldName}`, ['fullName']);
    }
    const object = this.store.object(objectName);
    if (object === undefined) {
      throw new MetadataFailure('INVALID_CROSS_REFERENCE_KEY', `Cannot find object: ${objectName}`, [
        'fullName',
      ]);
    }
    const type = str(def['type']);
    const fieldType = type === null ? undefined : FIELD_TYPES[type];
    if (fieldType === undefined) {
      throw new MetadataFailure('FIELD_INTEGRITY_EXCEPTION', `Unsupported field type: ${String(type)}`, [
        'type',
      ]);
    }
    const label = str(def['label']);
    if (label === null) throw new MetadataFailure('REQUIRED_FIELD_MISSING', 'label is required', ['label']);
    const need = (attr: string) => {
      const v = num(def[attr]);
      if (v === null) {
        throw new MetadataFailure(
          'FIELD_INTEGRITY_EXCEPTION',
          `Must specify '${attr}' for a CustomField of type ${type}`,
          [attr],
        );
      }
      return v;
    };
    const extra: Partial<FieldDef> = { label, custom: true };
    switch (type) {
      case 'Text':
        extra.length = need('length');
        break;
      case 'LongTextArea':
        extra.length = need('length');
        need('visibleLines');
        break;
      case 'Number':
      case 'Currency':
      case 'Percent':
        extra.precision = need('precision');
        extra.scale = need('scale');
        break;
      case 'Checkbox':
        if (str(def['defaultValue']) === null) {
          throw new MetadataFailure('FIELD_INTEGRITY_EXCEPTION', 'Must specify defaultValue for a Checkbox', [
            'defaultValue',
          ]);
        }
        extra.nillable = false;
        break;
      case 'Lookup': {
        const target = str(def['referenceTo']);
        const rel = str(def['relationshipName']);
        if (target === null || this.store.object(target) === undefined || rel === null) {
          throw new MetadataFailure(
            'FIELD_INTEGRITY_EXCEPTION',
            'A Lookup needs referenceTo (an existing object) and relationshipName',
            ['referenceTo'],
          );
        }
        // SOQL reaches the parent as Field__r; metadata's relationshipName names the child side.
        extra.referenceTo = [this.store.object(target)!.name];
        extra.relationshipName = fieldName.replace(/__c$/, '__r');
        break;
      }
    }
    if (str(def['externalId']) === 'true') extra.externalId = true;
    if (str(def['unique']) === 'true') extra.unique = true;
    object.fields.set(fieldName.toLowerCase(), makeField(fieldName, fieldType, extra));
  }

  private applyPermissionSet(fullName: string, def: Definition): void {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(fullName)) {
      throw new MetadataFailure('INVALID_FIELD', `Invalid permission set name: ${fullName}`, ['fullName']);
    }
    const label = str(def['label']);
    if (label === null) throw new MetadataFailure('REQUIRED_FIELD_MISSING', 'label is required', ['label']);
    const fields = new Map<string, FieldPermission>();
    for (const fp of list(def['fieldPermissions'])) {
      const field = str(fp['field']) ?? '';
      const [objectName, fieldName] = field.split('.');
      const object = objectName === undefined ? undefined : this.store.object(objectName);
      if (object === undefined || fieldName === undefined || !object.fields.has(fieldName.toLowerCase())) {
        throw new MetadataFailure(
          'INVALID_CROSS_REFERENCE_KEY',
          `In field: field - no CustomField named ${field} found`,
          ['field'],
        );
      }
      fields.set(field.toLowerCase(), {
        field,
        readable: bool(fp['readable']),
        editable: bool(fp['editable']),
      });
    }
    const objects = new Map<string, ObjectPermission>();
    for (const op of list(def['objectPermissions'])) {
      const object = str(op['object']) ?? '';
      if (this.store.object(object) === undefined) {
        throw new MetadataFailure(
          'INVALID_CROSS_REFERENCE_KEY',
          `In field: object - no CustomObject named ${object} found`,
          ['object'],
        );
      }
      objects.set(object.toLowerCase(), {
        object,
        allowRead: bool(op['allowRead']),
        allowCreate: bool(op['allowCreate']),
        allowEdit: bool(op['allowEdit']),
        allowDelete: bool(op['allowDelete']),
      });
    }
    this.access.setGrants({ fullName, fields, objects });
    const table = this.store.table('PermissionSet');
    const existing = [...table.rows.values()].find(
      (r) => String(r['Name']).toLowerCase() === fullName.toLowerCase(),
    );
    const stamp = this.store.stamp();
    const rec: SfRecord = {
      Id: existing?.Id ?? this.store.newId(this.store.object('PermissionSet')!),
      Name: fullName,
      Label: label,
      CreatedDate: existing?.['CreatedDate'] ?? stamp,
      LastModifiedDate: stamp,
      SystemModstamp: stamp,
    };
    table.put(rec);
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function num(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

function bool(v: unknown): boolean {
  return v === true || v === 'true';
}

function list(v: unknown): Definition[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is Definition => typeof x === 'object' && x !== null);
}

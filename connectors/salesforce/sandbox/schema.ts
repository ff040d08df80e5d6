/**
 * The sandbox's data dictionary: the standard objects and fields playercoach touches, with the
 * types Salesforce's describe reports, plus the custom fields and objects the Metadata API adds
 * at run time. Field and object names are looked up case-insensitively, as SOQL does.
 */

export const FIELD_TYPES = [
  'id',
  'reference',
  'string',
  'textarea',
  'email',
  'picklist',
  'boolean',
  'date',
  'datetime',
  'double',
  'int',
  'currency',
  'percent',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  custom: boolean;
  /** Writable through the API (sObject PATCH, collections, bulk). */
  updateable: boolean;
  createable: boolean;
  nillable: boolean;
  /** For references: the objects it may point to (several for polymorphic What/Who/Relation). */
  referenceTo?: string[];
  /** For references: the name used in SOQL parent paths (`Owner`, `What`, `PC_Manager__r`). */
  relationshipName?: string;
  externalId?: boolean;
  unique?: boolean;
  length?: number;
  precision?: number;
  scale?: number;
}

export interface ChildRelationshipDef {
  relationshipName: string;
  childSObject: string;
  field: string;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  /** Keyed by lower-case field name. */
  fields: Map<string, FieldDef>;
  /** Keyed by lower-case relationship name. */
  childRelationships: Map<string, ChildRelationshipDef>;
  /** Autonumber format of the name field of a custom object (`PCA-{000000}`), if any. */
  autoNumberFormat?: string;
}

/** Fields a polymorphic parent (What, Who, Relation) exposes through Salesforce's `Name` object. */
export const POLYMORPHIC_NAME_FIELDS = [
  'Id',
  'Name',
  'Type',
  'Email',
  'FirstName',
  'LastName',
  'IsActive',
  'Username',
] as const;

type FieldSpec = [name: string, type: FieldType, extra?: Partial<FieldDef>];

const READ_ONLY: Partial<FieldDef> = { updateable: false, createable: false };
const AUDIT: FieldSpec[] = [
  ['CreatedDate', 'datetime', READ_ONLY],
  ['LastModifiedDate', 'datetime', READ_ONLY],
  ['SystemModstamp', 'datetime', READ_ONLY],
];

function ref(to: string[], relationshipName: string, extra: Partial<FieldDef> = {}): Partial<FieldDef> {
  return { referenceTo: to, relationshipName, ...extra };
}

export function makeField(name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef {
  const isId = type === 'id';
  return {
    name,
    label: extra.label ?? name.replace(/__c$/, '').replace(/_/g, ' '),
    type,
    custom: name.endsWith('__c'),
    updateable: !isId,
    createable: !isId,
    nillable: !isId && type !== 'boolean',
    ...extra,
  };
}

function objectDef(
  name: string,
  keyPrefix: string,
  fields: FieldSpec[],
  children: ChildRelationshipDef[] = [],
  options: { label?: string; custom?: boolean } = {},
): ObjectDef {
  const def: ObjectDef = {
    name,
    label: options.label ?? name,
    labelPlural: `${options.label ?? name}s`,
    keyPrefix,
    custom: options.custom ?? false,
    fields: new Map(),
    childRelationships: new Map(),
  };
  for (const [fieldName, type, extra] of [['Id', 'id'] as FieldSpec, ...fields, ...AUDIT]) {
    def.fields.set(fieldName.toLowerCase(), makeField(fieldName, type, extra));
  }
  for (const child of children) def.childRelationships.set(child.relationshipName.toLowerCase(), child);
  return def;
}

const ACTIVITY_TARGETS = ['Account', 'Opportunity', 'PC_Manager_Attainment__c'];
const PEOPLE = ['Contact', 'User'];

/** The standard objects, as a fresh set of definitions (the schema changes as fields are installed). */
export function standardObjects(): ObjectDef[] {
  return [
    objectDef('Organization', '00D', [
      ['Name', 'string'],
      ['TimeZoneSidKey', 'picklist'],
      ['FiscalYearStartMonth', 'int'],
      ['DefaultCurrencyIsoCode', 'picklist'],
      ['IsSandbox', 'boolean', READ_ONLY],
    ]),
    objectDef(
      'User',
      '005',
      [
        ['Name', 'string', READ_ONLY],
        ['FirstName', 'string'],
        ['LastName', 'string'],
        ['Email', 'email'],
        ['Username', 'string'],
        ['IsActive', 'boolean'],
        ['ManagerId', 'reference', ref(['User'], 'Manager')],
        ['UserType', 'picklist', READ_ONLY],
        ['TimeZoneSidKey', 'picklist'],
        ['CurrencyIsoCode', 'picklist'],
      ],
      [{ relationshipName: 'ManagedUsers', childSObject: 'User', field: 'ManagerId' }],
    ),
    objectDef(
      'Account',
      '001',
      [
        ['Name', 'string'],
        ['OwnerId', 'reference', ref(['User'], 'Owner')],
        ['CurrencyIsoCode', 'picklist'],
      ],
      [
        { relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' },
        { relationshipName: 'Opportunities', childSObject: 'Opportunity', field: 'AccountId' },
      ],
    ),
    objectDef('Contact', '003', [
      ['Name', 'string', READ_ONLY],
      ['FirstName', 'string'],
      ['LastName', 'string'],
      ['Email', 'email'],
      ['AccountId', 'reference', ref(['Account'], 'Account')],
      ['OwnerId', 'reference', ref(['User'], 'Owner')],
    ]),
    objectDef(
      'Opportunity',
      '006',
      [
        ['Name', 'string'],
        ['AccountId', 'reference', ref(['Account'], 'Account')],
        ['OwnerId', 'reference', ref(['User'], 'Owner')],
        ['StageName', 'picklist'],
        ['IsClosed', 'boolean', READ_ONLY],
        ['IsWon', 'boolean', READ_ONLY],
        ['CloseDate', 'date'],
        ['Amount', 'currency', { precision: 18, scale: 2 }],
        ['CurrencyIsoCode', 'picklist'],
        ['Probability', 'percent'],
        ['ForecastCategoryName', 'picklist'],
      ],
      [
        { relationshipName: 'OpportunitySplits', childSObject: 'OpportunitySplit', field: 'OpportunityId' },
        { relationshipName: 'Events', childSObject: 'Event', field: 'WhatId' },
        { relationshipName: 'Tasks', childSObject: 'Task', field: 'WhatId' },
      ],
    ),
    objectDef('OpportunitySplit', '149', [
      ['OpportunityId', 'reference', ref(['Opportunity'], 'Opportunity')],
      ['SplitOwnerId', 'reference', ref(['User'], 'SplitOwner')],
      ['SplitPercentage', 'percent', { precision: 18, scale: 2 }],
      ['SplitAmount', 'currency', READ_ONLY],
      ['SplitTypeId', 'reference', ref(['OpportunitySplitType'], 'SplitType')],
      ['SplitNote', 'string'],
      ['CurrencyIsoCode', 'picklist', READ_ONLY],
    ]),
    objectDef(
      'Event',
      '00U',
      [
        ['Subject', 'string'],
        ['WhatId', 'reference', ref(ACTIVITY_TARGETS, 'What')],
        ['WhoId', 'reference', ref(PEOPLE, 'Who')],
        ['OwnerId', 'reference', ref(['User'], 'Owner')],
        ['AccountId', 'reference', ref(['Account'], 'Account', READ_ONLY)],
        ['StartDateTime', 'datetime'],
        ['EndDateTime', 'datetime'],
        ['ActivityDateTime', 'datetime'],
        ['ActivityDate', 'date'],
        ['DurationInMinutes', 'int'],
        ['IsAllDayEvent', 'boolean'],
        ['IsChild', 'boolean', READ_ONLY],
      ],
      [{ relationshipName: 'EventRelations', childSObject: 'EventRelation', field: 'EventId' }],
    ),
    objectDef('EventRelation', '0RE', [
      ['EventId', 'reference', ref(['Event'], 'Event', { updateable: false })],
      ['RelationId', 'reference', ref(['Contact', 'User', 'Account', 'Opportunity'], 'Relation')],
      ['IsInvitee', 'boolean'],
      ['IsParent', 'boolean'],
      ['IsWhat', 'boolean'],
      ['Status', 'picklist'],
      ['Response', 'string'],
      ['RespondedDate', 'datetime'],
      ['AccountId', 'reference', ref(['Account'], 'Account', READ_ONLY)],
    ]),
    objectDef(
      'Task',
      '00T',
      [
        ['Subject', 'string'],
        ['WhatId', 'reference', ref(ACTIVITY_TARGETS, 'What')],
        ['WhoId', 'reference', ref(PEOPLE, 'Who')],
        ['OwnerId', 'reference', ref(['User'], 'Owner')],
        ['AccountId', 'reference', ref(['Account'], 'Account', READ_ONLY)],
        ['ActivityDate', 'date'],
        ['Status', 'picklist'],
        ['IsClosed', 'boolean', READ_ONLY],
        ['TaskSubtype', 'picklist'],
        ['CallType', 'picklist'],
        ['CallDurationInSeconds', 'int'],
        ['CallDisposition', 'string'],
        ['CallObject', 'string'],
        ['CompletedDateTime', 'datetime', READ_ONLY],
      ],
      [{ relationshipName: 'TaskRelations', childSObject: 'TaskRelation', field: 'TaskId' }],
    ),
    objectDef('TaskRelation', '0RT', [
      ['TaskId', 'reference', ref(['Task'], 'Task', { updateable: false })],
      ['RelationId', 'reference', ref(['Contact', 'Account', 'Opportunity'], 'Relation')],
      ['IsWhat', 'boolean'],
      ['AccountId', 'reference', ref(['Account'], 'Account', READ_ONLY)],
    ]),
    objectDef('CurrencyType', '02D', [
      ['IsoCode', 'picklist'],
      ['ConversionRate', 'double', { precision: 18, scale: 9 }],
      ['DecimalPlaces', 'int'],
      ['IsActive', 'boolean'],
      ['IsCorporate', 'boolean', READ_ONLY],
    ]),
    objectDef('DatedConversionRate', '04w', [
      ['IsoCode', 'picklist'],
      ['ConversionRate', 'double', { precision: 18, scale: 9 }],
      ['StartDate', 'date'],
      ['NextStartDate', 'date', READ_ONLY],
    ]),
    objectDef('PermissionSet', '0PS', [
      ['Name', 'string'],
      ['Label', 'string'],
    ]),
    objectDef('PermissionSetAssignment', '0Pa', [
      ['AssigneeId', 'reference', ref(['User'], 'Assignee')],
      ['PermissionSetId', 'reference', ref(['PermissionSet'], 'PermissionSet')],
    ]),
  ];
}

/** The standard fields every custom object has. */
export function customObjectDef(
  name: string,
  label: string,
  labelPlural: string,
  keyPrefix: string,
  nameField: { label: string; autoNumberFormat?: string },
): ObjectDef {
  const def = objectDef(
    name,
    keyPrefix,
    [
      [
        'Name',
        'string',
        nameField.autoNumberFormat
          ? { label: nameField.label, updateable: false, createable: false }
          : { label: nameField.label, length: 80 },
      ],
      ['OwnerId', 'reference', ref(['User'], 'Owner')],
      ['CurrencyIsoCode', 'picklist'],
    ],
    [],
    { label, custom: true },
  );
  def.labelPlural = labelPlural;
  if (nameField.autoNumberFormat) def.autoNumberFormat = nameField.autoNumberFormat;
  return def;
}

export function fieldOf(def: ObjectDef, name: string): FieldDef | undefined {
  return def.fields.get(name.toLowerCase());
}

/** Field `OwnerId` ↔ relationship `Owner`; custom `PC_Manager__c` ↔ `PC_Manager__r`. */
export function referenceByRelationship(def: ObjectDef, relationshipName: string): FieldDef | undefined {
  const wanted = relationshipName.toLowerCase();
  for (const f of def.fields.values()) {
    if (f.type === 'reference' && f.relationshipName?.toLowerCase() === wanted) return f;
  }
  return undefined;
}

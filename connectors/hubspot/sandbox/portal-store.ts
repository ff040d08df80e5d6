/**
 * The sandbox portal: every record, property definition, association, owner, pipeline, exchange
 * rate and deal split of one HubSpot account, in memory, with the indexes the routes need
 * (associations in both directions, unique property values, owners by id/userId/email).
 *
 * Property values are kept as HubSpot sends them: strings (or null). Ids are numeric strings from
 * one increasing counter, so insertion order is id order (search sorts on hs_object_id cheaply).
 * Every change is reported to the listeners, which is how webhooks are fed.
 */

export const STANDARD_OBJECT_TYPES = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
  meetings: '0-47',
  calls: '0-48',
} as const;
export type StandardObjectType = keyof typeof STANDARD_OBJECT_TYPES;

export interface HsRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface PropertyDef {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description: string;
  options: Array<{ label: string; value: string; displayOrder: number; hidden: boolean }>;
  hasUniqueValue: boolean;
  calculated: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export interface CustomSchema {
  id: string;
  objectTypeId: string;
  name: string;
  fullyQualifiedName: string;
  labels: { singular: string; plural: string };
  primaryDisplayProperty: string;
  requiredProperties: string[];
  searchableProperties: string[];
  secondaryDisplayProperties: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Owner {
  id: string;
  userId: number;
  email: string;
  firstName: string;
  lastName: string;
  archived: boolean;
  teams: Array<{ id: string; name: string; primary: boolean }>;
  createdAt: string;
  updatedAt: string;
}

export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: { isClosed: string; probability: string };
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStage[];
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface ExchangeRate {
  id: string;
  fromCurrencyCode: string;
  toCurrencyCode: string;
  conversionRate: number;
  effectiveAt: string;
  visibleInUI: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DealSplit {
  id: string;
  ownerId: string;
  /** A fraction, as HubSpot keeps it: "0.6" is 60%. */
  percentage: string;
  createdAt: string;
  updatedAt: string;
}

export interface AssociationType {
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
  typeId: number;
  label: string | null;
}

export interface ChangeEvent {
  objectType: string;
  objectId: string;
  kind: 'creation' | 'propertyChange' | 'deletion' | 'associationChange';
  propertyName?: string;
  propertyValue?: string | null;
  occurredAt: number;
}

/** HubSpot-defined association type ids (the SDK's AssociationTypes enum), keyed "from:to". */
const DEFAULT_ASSOCIATION_TYPES: Record<string, number> = {
  'deals:contacts': 3,
  'contacts:deals': 4,
  'deals:companies': 341,
  'companies:deals': 342,
  'deals:calls': 205,
  'calls:deals': 206,
  'deals:meetings': 211,
  'meetings:deals': 212,
  'calls:contacts': 194,
  'contacts:calls': 193,
  'meetings:contacts': 200,
  'contacts:meetings': 199,
  'calls:companies': 182,
  'companies:calls': 181,
  'meetings:companies': 188,
  'companies:meetings': 187,
  'contacts:companies': 279,
  'companies:contacts': 280,
};

export function defaultAssociationTypeId(from: string, to: string): number {
  return DEFAULT_ASSOCIATION_TYPES[`${from}:${to}`] ?? 1;
}

const BASE_PROPERTIES: Record<StandardObjectType, Array<[string, string, string]>> = {
  deals: [
    ['dealname', 'string', 'text'],
    ['amount', 'number', 'number'],
    ['closedate', 'datetime', 'date'],
    ['dealstage', 'enumeration', 'radio'],
    ['pipeline', 'enumeration', 'select'],
    ['hubspot_owner_id', 'enumeration', 'select'],
    ['deal_currency_code', 'enumeration', 'select'],
  ],
  contacts: [
    ['email', 'string', 'text'],
    ['firstname', 'string', 'text'],
    ['lastname', 'string', 'text'],
    ['hubspot_owner_id', 'enumeration', 'select'],
  ],
  companies: [
    ['name', 'string', 'text'],
    ['domain', 'string', 'text'],
    ['hubspot_owner_id', 'enumeration', 'select'],
  ],
  meetings: [
    ['hs_timestamp', 'datetime', 'date'],
    ['hs_meeting_title', 'string', 'text'],
    ['hs_meeting_start_time', 'datetime', 'date'],
    ['hs_meeting_end_time', 'datetime', 'date'],
    ['hs_meeting_outcome', 'enumeration', 'select'],
    ['hubspot_owner_id', 'enumeration', 'select'],
    ['hs_attendee_owner_ids', 'enumeration', 'checkbox'],
  ],
  calls: [
    ['hs_timestamp', 'datetime', 'date'],
    ['hs_call_title', 'string', 'text'],
    ['hs_call_status', 'enumeration', 'select'],
    ['hs_call_direction', 'enumeration', 'select'],
    ['hs_call_duration', 'number', 'number'],
    ['hubspot_owner_id', 'enumeration', 'select'],
  ],
};

/** Read-only properties every object has; writing them is refused as HubSpot does. */
export const READ_ONLY_PROPERTIES = ['hs_object_id', 'hs_lastmodifieddate', 'createdate', 'hs_createdate'];

export class SandboxInputError extends Error {
  constructor(
    readonly category: string,
    message: string,
    readonly status = 400,
    readonly context?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export class PortalStore {
  readonly portalId: number;
  timeZone: string;
  companyCurrency: string;
  customObjectsAllowed: boolean;
  readonly owners: Owner[] = [];
  readonly pipelines = new Map<string, Pipeline[]>();
  readonly exchangeRates: ExchangeRate[] = [];
  readonly splits = new Map<string, DealSplit[]>();
  readonly schemas = new Map<string, CustomSchema>();
  private readonly records = new Map<string, Map<string, HsRecord>>();
  private readonly propertyDefs = new Map<string, Map<string, PropertyDef>>();
  private readonly groups = new Map<string, Map<string, PropertyGroup>>();
  /** "type:id" → toType → toId → association types. Both directions are kept. */
  private readonly assoc = new Map<string, Map<string, Map<string, AssociationType[]>>>();
  /** "type:property" → value → record id, for properties with hasUniqueValue. */
  private readonly unique = new Map<string, Map<string, string>>();
  private readonly listeners: Array<(e: ChangeEvent) => void> = [];
  /** Bumped on every change to a type's records, so search can cache a query's matches safely. */
  private readonly versions = new Map<string, number>();
  private nextNumericId = 10_000_001;
  private nextCustomType = 1;
  now: () => number = () => Date.now();

  constructor(options: {
    portalId: number;
    timeZone: string;
    companyCurrency: string;
    customObjects: boolean;
  }) {
    this.portalId = options.portalId;
    this.timeZone = options.timeZone;
    this.companyCurrency = options.companyCurrency;
    this.customObjectsAllowed = options.customObjects;
    const stamp = new Date(0).toISOString();
    for (const [type, props] of Object.entries(BASE_PROPERTIES)) {
      this.records.set(type, new Map());
      const defs = new Map<string, PropertyDef>();
      const group = `${type.replace(/s$/, '').replace(/ie$/, 'y')}information`;
      this.groups.set(
        type,
        new Map([[group, { name: group, label: group, displayOrder: 0, archived: false }]]),
      );
      for (const [name, ptype, fieldType] of [
        ...props,
        ['hs_object_id', 'number', 'number'],
        ['hs_lastmodifieddate', 'datetime', 'date'],
        ['createdate', 'datetime', 'date'],
      ] as Array<[string, string, string]>) {
        defs.set(name, {
          name,
          label: name,
          type: ptype,
          fieldType,
          groupName: group,
          description: '',
          options: [],
          hasUniqueValue: false,
          calculated: READ_ONLY_PROPERTIES.includes(name),
          createdAt: stamp,
          updatedAt: stamp,
        });
      }
      this.propertyDefs.set(type, defs);
    }
  }

  version(type: string): number {
    return this.versions.get(type) ?? 0;
  }

  private bump(type: string): void {
    this.versions.set(type, this.version(type) + 1);
  }

  onChange(listener: (e: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(e: Omit<ChangeEvent, 'occurredAt'>): void {
    const event = { ...e, occurredAt: this.now() };
    for (const l of this.listeners) l(event);
  }

  newId(): string {
    return String(this.nextNumericId++);
  }

  /**
   * The store's key for an object type as a URL names it: "deals", "0-3", a custom object's
   * name, fully qualified name or objectTypeId. Unknown types throw a 400 as HubSpot does.
   */
  resolveType(name: string): string {
    const lower = name.toLowerCase();
    if (this.records.has(lower) && !lower.startsWith('2-')) return lower;
    for (const [type, id] of Object.entries(STANDARD_OBJECT_TYPES)) {
      if (id === lower || `${type.replace(/s$/, '').replace(/ie$/, 'y')}` === lower) return type;
    }
    for (const schema of this.schemas.values()) {
      if (
        schema.objectTypeId === lower ||
        schema.name === lower ||
        schema.fullyQualifiedName.toLowerCase() === lower
      ) {
        return schema.objectTypeId;
      }
    }
    throw new SandboxInputError('OBJECT_TYPE_NOT_FOUND', `Unable to infer object type from: ${name}`);
  }

  isCustomType(type: string): boolean {
    return type.startsWith('2-');
  }

  all(type: string): Map<string, HsRecord> {
    const map = this.records.get(type);
    if (!map) throw new SandboxInputError('OBJECT_TYPE_NOT_FOUND', `Unknown object type ${type}`);
    return map;
  }

  get(type: string, id: string): HsRecord | undefined {
    const r = this.all(type).get(id);
    return r && !r.archived ? r : undefined;
  }

  /** Finds a record by id or by a unique property (`idProperty`). */
  find(type: string, idOrValue: string, idProperty?: string): HsRecord | undefined {
    if (!idProperty || idProperty === 'hs_object_id') return this.get(type, idOrValue);
    const index = this.unique.get(`${type}:${idProperty}`);
    if (!index) {
      throw new SandboxInputError(
        'VALIDATION_ERROR',
        `Property ${idProperty} is not a unique identifier property`,
      );
    }
    const id = index.get(idOrValue);
    return id === undefined ? undefined : this.get(type, id);
  }

  properties(type: string): Map<string, PropertyDef> {
    const defs = this.propertyDefs.get(type);
    if (!defs) throw new SandboxInputError('OBJECT_TYPE_NOT_FOUND', `Unknown object type ${type}`);
    return defs;
  }

  propertyGroups(type: string): Map<string, PropertyGroup> {
    const groups = this.groups.get(type);
    if (!groups) throw new SandboxInputError('OBJECT_TYPE_NOT_FOUND', `Unknown object type ${type}`);
    return groups;
  }

  addProperty(type: string, input: Partial<PropertyDef> & { name: string }): PropertyDef {
    const defs = this.properties(type);
    if (defs.has(input.name)) {
      throw new SandboxInputError(
        'OBJECT_ALREADY_EXISTS',
        `Property named '${input.name}' already exists.`,
        409,
      );
    }
    const groupName = input.groupName ?? '';
    if (groupName !== '' && !this.propertyGroups(type).has(groupName)) {
      throw new SandboxInputError('VALIDATION_ERROR', `Property group ${groupName} does not exist`);
    }
    const stamp = new Date(this.now()).toISOString();
    const def: PropertyDef = {
      name: input.name,
      label: input.label ?? input.name,
      type: input.type ?? 'string',
      fieldType: input.fieldType ?? 'text',
      groupName,
      description: input.description ?? '',
      options: input.options ?? [],
      hasUniqueValue: input.hasUniqueValue ?? false,
      calculated: false,
      createdAt: stamp,
      updatedAt: stamp,
    };
    defs.set(def.name, def);
    if (def.hasUniqueValue) this.unique.set(`${type}:${def.name}`, new Map());
    return def;
  }

  addGroup(type: string, group: { name: string; label: string; displayOrder?: number }): PropertyGroup {
    const groups = this.propertyGroups(type);
    if (groups.has(group.name)) {
      throw new SandboxInputError(
        'OBJECT_ALREADY_EXISTS',
        `Property group ${group.name} already exists.`,
        409,
      );
    }
    const created = {
      name: group.name,
      label: group.label,
      displayOrder: group.displayOrder ?? -1,
      archived: false,
    };
    groups.set(group.name, created);
    return created;
  }

  addSchema(input: {
    name: string;
    labels: { singular: string; plural: string };
    primaryDisplayProperty?: string;
    requiredProperties?: string[];
    searchableProperties?: string[];
    secondaryDisplayProperties?: string[];
    properties: Array<Partial<PropertyDef> & { name: string }>;
  }): CustomSchema {
    if (!this.customObjectsAllowed) {
      throw new SandboxInputError(
        'MISSING_SCOPES',
        'This account does not have access to custom objects (Enterprise only).',
        403,
      );
    }
    for (const s of this.schemas.values()) {
      if (s.name === input.name) {
        throw new SandboxInputError(
          'OBJECT_ALREADY_EXISTS',
          `Object type with name ${input.name} already exists`,
          409,
        );
      }
    }
    const stamp = new Date(this.now()).toISOString();
    const n = this.nextCustomType++;
    const schema: CustomSchema = {
      id: String(1000 + n),
      objectTypeId: `2-${1000 + n}`,
      name: input.name,
      fullyQualifiedName: `p${this.portalId}_${input.name}`,
      labels: input.labels,
      primaryDisplayProperty: input.primaryDisplayProperty ?? input.properties[0]?.name ?? 'hs_object_id',
      requiredProperties: input.requiredProperties ?? [],
      searchableProperties: input.searchableProperties ?? [],
      secondaryDisplayProperties: input.secondaryDisplayProperties ?? [],
      createdAt: stamp,
      updatedAt: stamp,
    };
    this.schemas.set(schema.objectTypeId, schema);
    this.records.set(schema.objectTypeId, new Map());
    this.propertyDefs.set(schema.objectTypeId, new Map());
    this.groups.set(
      schema.objectTypeId,
      new Map([
        [
          `${input.name}_information`,
          { name: `${input.name}_information`, label: 'Information', displayOrder: 0, archived: false },
        ],
      ]),
    );
    for (const base of [
      { name: 'hs_object_id', type: 'number', fieldType: 'number' },
      { name: 'hs_lastmodifieddate', type: 'datetime', fieldType: 'date' },
      { name: 'hs_createdate', type: 'datetime', fieldType: 'date' },
    ]) {
      this.addProperty(schema.objectTypeId, { ...base, groupName: `${input.name}_information` });
      const def = this.properties(schema.objectTypeId).get(base.name);
      if (def) def.calculated = true;
    }
    for (const p of input.properties) {
      this.addProperty(schema.objectTypeId, { ...p, groupName: `${input.name}_information` });
    }
    return schema;
  }

  /** Checks property names and values; returns the values as strings, as HubSpot stores them. */
  private normalize(type: string, input: Record<string, unknown>): Record<string, string | null> {
    const defs = this.properties(type);
    const out: Record<string, string | null> = {};
    for (const [name, raw] of Object.entries(input)) {
      const def = defs.get(name);
      if (!def) {
        throw new SandboxInputError('VALIDATION_ERROR', `Property "${name}" does not exist`, 400, {
          propertyName: [name],
        });
      }
      if (def.calculated) {
        throw new SandboxInputError('VALIDATION_ERROR', `Property "${name}" is read-only`, 400, {
          propertyName: [name],
        });
      }
      let value = raw === null || raw === undefined ? null : String(raw);
      if (value !== null && value !== '') {
        checkValue(def, value);
        // HubSpot answers datetimes as ISO strings whichever form (epoch ms or ISO) was written.
        if (def.type === 'datetime' || def.type === 'date')
          value = new Date(toEpochMs(value) ?? 0).toISOString();
      }
      out[name] = value;
    }
    return out;
  }

  create(type: string, properties: Record<string, unknown>, options: { silent?: boolean; at?: number } = {}) {
    const values = this.normalize(type, properties);
    const at = options.at ?? this.now();
    const stamp = new Date(at).toISOString();
    const id = this.newId();
    for (const [name, value] of Object.entries(values)) this.checkUnique(type, name, value, id);
    const record: HsRecord = {
      id,
      properties: {
        ...values,
        hs_object_id: id,
        hs_lastmodifieddate: stamp,
        [this.isCustomType(type) ? 'hs_createdate' : 'createdate']: stamp,
      },
      createdAt: stamp,
      updatedAt: stamp,
      archived: false,
    };
    this.all(type).set(id, record);
    this.bump(type);
    for (const [name, value] of Object.entries(values)) this.indexUnique(type, name, value, id);
    if (!options.silent) this.emit({ objectType: type, objectId: id, kind: 'creation' });
    return record;
  }

  /** Sets properties; returns the names whose values changed. */
  update(
    type: string,
    id: string,
    properties: Record<string, unknown>,
    options: { at?: number } = {},
  ): string[] {
    const record = this.get(type, id);
    if (!record) throw new SandboxInputError('OBJECT_NOT_FOUND', `Object ${id} was not found`, 404);
    const values = this.normalize(type, properties);
    for (const [name, value] of Object.entries(values)) this.checkUnique(type, name, value, id);
    const changed: string[] = [];
    for (const [name, value] of Object.entries(values)) {
      const before = record.properties[name] ?? null;
      if (before === value || (before === null && value === '')) continue;
      const index = this.unique.get(`${type}:${name}`);
      if (index && before !== null) index.delete(before);
      record.properties[name] = value;
      this.indexUnique(type, name, value, id);
      changed.push(name);
    }
    this.bump(type);
    // HubSpot bumps hs_lastmodifieddate on every accepted update, changed or not.
    const stamp = new Date(options.at ?? this.now()).toISOString();
    record.properties['hs_lastmodifieddate'] = stamp;
    record.updatedAt = stamp;
    for (const name of changed) {
      this.emit({
        objectType: type,
        objectId: id,
        kind: 'propertyChange',
        propertyName: name,
        propertyValue: record.properties[name] ?? null,
      });
    }
    return changed;
  }

  archive(type: string, id: string): void {
    const record = this.get(type, id);
    if (!record) return;
    record.archived = true;
    this.bump(type);
    for (const [name, value] of Object.entries(record.properties)) {
      const index = this.unique.get(`${type}:${name}`);
      if (index && value !== null) index.delete(value);
    }
    this.emit({ objectType: type, objectId: id, kind: 'deletion' });
  }

  private checkUnique(type: string, name: string, value: string | null, id: string): void {
    const index = this.unique.get(`${type}:${name}`);
    if (!index || value === null || value === '') return;
    const holder = index.get(value);
    if (holder !== undefined && holder !== id) {
      throw new SandboxInputError(
        'CONFLICT',
        `A record with ${name}=${value} already exists (id ${holder})`,
        409,
        { ids: [holder] },
      );
    }
  }

  private indexUnique(type: string, name: string, value: string | null, id: string): void {
    const index = this.unique.get(`${type}:${name}`);
    if (index && value !== null && value !== '') index.set(value, id);
  }

  associate(
    fromType: string,
    fromId: string,
    toType: string,
    toId: string,
    typeId?: number,
    silent = false,
  ): void {
    if (!this.get(fromType, fromId))
      throw new SandboxInputError('OBJECT_NOT_FOUND', `Object ${fromId} not found`, 404);
    if (!this.get(toType, toId))
      throw new SandboxInputError('OBJECT_NOT_FOUND', `Object ${toId} not found`, 404);
    const forward = typeId ?? defaultAssociationTypeId(fromType, toType);
    const backward = defaultAssociationTypeId(toType, fromType);
    this.link(fromType, fromId, toType, toId, { category: 'HUBSPOT_DEFINED', typeId: forward, label: null });
    this.link(toType, toId, fromType, fromId, { category: 'HUBSPOT_DEFINED', typeId: backward, label: null });
    if (!silent) {
      this.emit({ objectType: fromType, objectId: fromId, kind: 'associationChange' });
      this.emit({ objectType: toType, objectId: toId, kind: 'associationChange' });
    }
  }

  private link(fromType: string, fromId: string, toType: string, toId: string, type: AssociationType): void {
    const key = `${fromType}:${fromId}`;
    let byType = this.assoc.get(key);
    if (!byType) {
      byType = new Map();
      this.assoc.set(key, byType);
    }
    let targets = byType.get(toType);
    if (!targets) {
      targets = new Map();
      byType.set(toType, targets);
    }
    const types = targets.get(toId) ?? [];
    if (!types.some((t) => t.typeId === type.typeId)) types.push(type);
    targets.set(toId, types);
  }

  /** Associated ids in id order, leaving out archived records. */
  associations(fromType: string, fromId: string, toType: string): Array<[string, AssociationType[]]> {
    const targets = this.assoc.get(`${fromType}:${fromId}`)?.get(toType);
    if (!targets) return [];
    return [...targets.entries()]
      .filter(([id]) => this.get(toType, id) !== undefined)
      .sort((a, b) => compareIds(a[0], b[0]));
  }

  ownerById(id: string): Owner | undefined {
    return this.owners.find((o) => o.id === id);
  }
}

export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function checkValue(def: PropertyDef, value: string): void {
  const bad = (why: string) =>
    new SandboxInputError('VALIDATION_ERROR', `Property values were not valid: ${def.name}: ${why}`, 400, {
      propertyName: [def.name],
    });
  switch (def.type) {
    case 'number':
      if (!/^-?\d+(\.\d+)?$/.test(value)) throw bad(`${JSON.stringify(value)} is not a valid number`);
      break;
    case 'bool':
      if (value !== 'true' && value !== 'false') throw bad(`${JSON.stringify(value)} is not true or false`);
      break;
    case 'datetime':
    case 'date':
      if (!/^\d+$/.test(value) && Number.isNaN(Date.parse(value))) {
        throw bad(`${JSON.stringify(value)} is not a valid date`);
      }
      break;
    default:
      break;
  }
}

/** A datetime property's value as epoch ms: HubSpot accepts ISO strings and epoch-ms strings. */
export function toEpochMs(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (/^-?\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * What `playercoach install` creates in a HubSpot portal (DESIGN.md "What lands in the CRM"): the
 * `playercoach` deal property group with its five deal properties, and the custom object
 * `pc_manager_attainment`. The installer creates exactly these; the sandbox uses the same
 * definitions when a snapshot brings quotas (as if an admin had installed and entered them).
 *
 * Shapes follow the properties API (`PropertyCreate`) and the schemas API (`ObjectSchemaEgg`):
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
 * https://developers.hubspot.com/docs/api-reference/crm-schemas-v3/guide
 */

export interface PropertyDefinition {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
  fieldType: 'text' | 'textarea' | 'number' | 'date' | 'select' | 'booleancheckbox';
  description: string;
  options?: Array<{ label: string; value: string; displayOrder: number; hidden: boolean }>;
  hasUniqueValue?: boolean;
}

export const PC_GROUP = { name: 'playercoach', label: 'playercoach', displayOrder: -1 } as const;

const BOOL_OPTIONS = [
  { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
  { label: 'No', value: 'false', displayOrder: 1, hidden: false },
];

export const PC_DEAL_PROPERTIES: readonly PropertyDefinition[] = [
  {
    name: 'pc_manager_involved',
    label: 'Manager involved',
    type: 'bool',
    fieldType: 'booleancheckbox',
    description: 'playercoach: a manager of the owner took part in this deal and was credited.',
    options: BOOL_OPTIONS,
  },
  {
    name: 'pc_credited_manager',
    label: 'Credited manager',
    type: 'string',
    fieldType: 'text',
    description: 'playercoach: owner id of the credited manager (the lowest level credited).',
  },
  {
    name: 'pc_manager_credit',
    label: 'Manager credit',
    type: 'number',
    fieldType: 'number',
    description: "playercoach: the credited manager's credit, in the deal's own currency.",
  },
  {
    name: 'pc_credit_reason',
    label: 'Credit reason',
    type: 'string',
    fieldType: 'textarea',
    description: 'playercoach: who was credited for this deal and why, or why not.',
  },
  {
    name: 'pc_evaluated_at',
    label: 'Evaluated at',
    type: 'datetime',
    fieldType: 'date',
    description: 'playercoach: when the values above were computed.',
  },
];

export const PC_ATTAINMENT_OBJECT_NAME = 'pc_manager_attainment';

export const PC_ATTAINMENT_PROPERTIES: readonly PropertyDefinition[] = [
  {
    name: 'pc_key',
    label: 'Key',
    type: 'string',
    fieldType: 'text',
    description: 'playercoach: <manager owner id>:<period>, unique.',
    hasUniqueValue: true,
  },
  {
    name: 'pc_manager',
    label: 'Manager',
    type: 'string',
    fieldType: 'text',
    description: 'Owner id of the manager.',
  },
  {
    name: 'pc_period',
    label: 'Period',
    type: 'string',
    fieldType: 'text',
    description: 'FY2026-Q1 or FY2026-M01.',
  },
  {
    name: 'pc_quota',
    label: 'Quota',
    type: 'number',
    fieldType: 'number',
    description: 'Quota in the company currency; admins may enter it here, playercoach reads it back.',
  },
  {
    name: 'pc_credited',
    label: 'Credited',
    type: 'number',
    fieldType: 'number',
    description: 'Credited amount.',
  },
  {
    name: 'pc_attainment',
    label: 'Attainment',
    type: 'number',
    fieldType: 'number',
    description: 'Credited / quota, a ratio with 4 decimals (0.5217 is 52.17%).',
  },
  {
    name: 'pc_assisted_deals',
    label: 'Assisted deals',
    type: 'number',
    fieldType: 'number',
    description: 'Deals the manager was credited for.',
  },
  {
    name: 'pc_team_won_deals',
    label: 'Team won deals',
    type: 'number',
    fieldType: 'number',
    description: "Won deals of the manager's reps in the period.",
  },
  {
    name: 'pc_team_won_amount',
    label: 'Team won amount',
    type: 'number',
    fieldType: 'number',
    description: "Won amount of the manager's reps in the period, company currency.",
  },
];

/** The body of POST /crm/v3/schemas (ObjectSchemaEgg). */
export function attainmentSchemaEgg() {
  return {
    name: PC_ATTAINMENT_OBJECT_NAME,
    labels: { singular: 'Manager attainment', plural: 'Manager attainments' },
    description: 'playercoach: one record per manager and period.',
    primaryDisplayProperty: 'pc_key',
    secondaryDisplayProperties: ['pc_period'],
    requiredProperties: ['pc_key'],
    searchableProperties: ['pc_key', 'pc_period', 'pc_manager'],
    associatedObjects: [] as string[],
    properties: PC_ATTAINMENT_PROPERTIES.map((p) => ({ ...p })),
  };
}

/**
 * What playercoach adds to a Salesforce org (DESIGN.md "What lands in the CRM"): the API names
 * the connector reads and writes, and the Metadata API definitions `install` creates.
 */

export const ATTAINMENT_OBJECT = 'PC_Manager_Attainment__c';
export const PERMISSION_SET = 'Playercoach';

export const OPP = {
  involved: 'PC_Manager_Involved__c',
  creditedManager: 'PC_Credited_Manager__c',
  credit: 'PC_Manager_Credit__c',
  reason: 'PC_Credit_Reason__c',
  evaluatedAt: 'PC_Evaluated_At__c',
} as const;

export const ATT = {
  key: 'PC_Key__c',
  manager: 'PC_Manager__c',
  period: 'PC_Period__c',
  quota: 'PC_Quota__c',
  credited: 'PC_Credited__c',
  attainment: 'PC_Attainment__c',
  assistedDeals: 'PC_Assisted_Deals__c',
  teamWonDeals: 'PC_Team_Won_Deals__c',
  teamWonAmount: 'PC_Team_Won_Amount__c',
} as const;

export const USR = {
  currentAttainment: 'PC_Current_Attainment__c',
  currentCredited: 'PC_Current_Credited__c',
} as const;

/** Long Text Area's maximum; reasons longer than this are cut (and then compare unequal, so keep them short). */
export const REASON_MAX_LENGTH = 131_072;

export type FieldDefinition = { fullName: string; label: string; type: string } & Record<
  string,
  string | number | boolean
>;

const money = (label: string) => ({ label, type: 'Currency', precision: 18, scale: 2 });
const percent = (label: string) => ({ label, type: 'Percent', precision: 18, scale: 2 });
const count = (label: string) => ({ label, type: 'Number', precision: 18, scale: 0 });

export const ATTAINMENT_OBJECT_DEFINITION = {
  fullName: ATTAINMENT_OBJECT,
  label: 'Manager Attainment',
  pluralLabel: 'Manager Attainments',
  nameField: { type: 'AutoNumber', label: 'Attainment Number', displayFormat: 'PCA-{000000}' },
  deploymentStatus: 'Deployed',
  sharingModel: 'ReadWrite',
  enableReports: true,
  description: 'One record per manager and fiscal period, written by playercoach (upserted by PC_Key__c).',
};

export const FIELD_DEFINITIONS: FieldDefinition[] = [
  {
    fullName: `Opportunity.${OPP.involved}`,
    label: 'Manager Involved',
    type: 'Checkbox',
    defaultValue: 'false',
  },
  {
    fullName: `Opportunity.${OPP.creditedManager}`,
    label: 'Credited Manager',
    type: 'Lookup',
    referenceTo: 'User',
    relationshipName: 'PC_Credited_Opportunities',
  },
  { fullName: `Opportunity.${OPP.credit}`, ...money('Manager Credit') },
  {
    fullName: `Opportunity.${OPP.reason}`,
    label: 'Credit Reason',
    type: 'LongTextArea',
    length: REASON_MAX_LENGTH,
    visibleLines: 5,
  },
  { fullName: `Opportunity.${OPP.evaluatedAt}`, label: 'Evaluated At', type: 'DateTime' },
  {
    fullName: `${ATTAINMENT_OBJECT}.${ATT.key}`,
    label: 'Key',
    type: 'Text',
    length: 255,
    externalId: true,
    unique: true,
    caseSensitive: true,
  },
  {
    fullName: `${ATTAINMENT_OBJECT}.${ATT.manager}`,
    label: 'Manager',
    type: 'Lookup',
    referenceTo: 'User',
    relationshipName: 'PC_Attainments',
  },
  { fullName: `${ATTAINMENT_OBJECT}.${ATT.period}`, label: 'Period', type: 'Text', length: 20 },
  { fullName: `${ATTAINMENT_OBJECT}.${ATT.quota}`, ...money('Quota') },
  { fullName: `${ATTAINMENT_OBJECT}.${ATT.credited}`, ...money('Credited') },
  { fullName: `${ATTAINMENT_OBJECT}.${ATT.attainment}`, ...percent('Attainment') },
  { fullName: `${ATTAINMENT_OBJECT}.${ATT.assistedDeals}`, ...count('Assisted Deals') },
  { fullName: `${ATTAINMENT_OBJECT}.${ATT.teamWonDeals}`, ...count('Team Won Deals') },
  { fullName: `${ATTAINMENT_OBJECT}.${ATT.teamWonAmount}`, ...money('Team Won Amount') },
  { fullName: `User.${USR.currentAttainment}`, ...percent('Current Attainment') },
  { fullName: `User.${USR.currentCredited}`, ...money('Current Credited') },
];

export const PERMISSION_SET_DEFINITION = {
  fullName: PERMISSION_SET,
  label: 'playercoach',
  description: 'Read and write access to the fields and records playercoach maintains.',
  fieldPermissions: FIELD_DEFINITIONS.map((f) => ({ field: f.fullName, readable: true, editable: true })),
  objectPermissions: [
    {
      object: ATTAINMENT_OBJECT,
      allowCreate: true,
      allowRead: true,
      allowEdit: true,
      allowDelete: true,
      viewAllRecords: false,
      modifyAllRecords: false,
    },
  ],
};

// Protects `install` on Salesforce: every custom field and the object appear through the Metadata API with access granted, and a second run changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIELD_DEFINITIONS } from '../../connectors/salesforce/custom-fields.js';
import { generateOrg } from '../../src/generator/index.js';
import { startTestOrg, type TestOrg } from './support.js';

describe('Salesforce install', () => {
  let org: TestOrg;
  beforeEach(async () => {
    org = await startTestOrg({ snapshot: generateOrg({ deals: 20, seed: 2 }) });
  });
  afterEach(() => org.close());

  it('creates the schema and grants access, then finds nothing to do', async () => {
    const user = org.user();
    await expect(user.query('SELECT PC_Manager_Credit__c FROM Opportunity')).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
    await expect(user.query('SELECT Id FROM PC_Manager_Attainment__c')).rejects.toMatchObject({
      errorCode: 'INVALID_TYPE',
    });

    const first = await org.connector().install();
    expect(first.created).toHaveLength(FIELD_DEFINITIONS.length + 3);
    expect(first.created).toContain('CustomObject:PC_Manager_Attainment__c');
    expect(first.created).toContain('PermissionSet:Playercoach');
    expect(first.created).toContain('PermissionSetAssignment:Playercoach');
    expect(first.existing).toEqual([]);

    const describe = await user.sobject('Opportunity').describe();
    const names = describe.fields.map((f) => f.name);
    for (const f of [
      'PC_Manager_Involved__c',
      'PC_Credited_Manager__c',
      'PC_Manager_Credit__c',
      'PC_Credit_Reason__c',
      'PC_Evaluated_At__c',
    ]) {
      expect(names).toContain(f);
    }
    expect(describe.fields.find((f) => f.name === 'PC_Credited_Manager__c')).toMatchObject({
      type: 'reference',
      referenceTo: ['User'],
    });
    // The quotas admins entered become visible with the object.
    const quotas = await user.query('SELECT PC_Key__c, PC_Quota__c FROM PC_Manager_Attainment__c');
    expect(quotas.totalSize).toBeGreaterThan(0);

    org.sf.resetStats();
    const second = await org.connector().install();
    expect(second.created).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(second.existing.sort()).toEqual(first.created.sort());
    // Reads only: 1 object + 2 field batches + 1 permission set, and the assignment lookups.
    expect(org.sf.stats().byEndpoint).toEqual({
      'POST /Soap/m': 4,
      'GET /query': 2,
      'GET /services/oauth2/userinfo': 1,
    });
  });

  it('pulls before install, without the fields it has not created yet', async () => {
    const connector = org.connector();
    const data = await connector.pullOrg();
    expect(data.users.length).toBeGreaterThan(0);
    expect(data.quotas).toEqual([]);
    expect(data.current.users.size + data.current.attainment.size).toBe(0);
    const page = await connector.pullClosedBetween({ from: '1900-01-01', to: '2999-12-31' }, null, {
      pageSize: 2000,
      splits: true,
      accountActivities: false,
    });
    expect(page.deals).toHaveLength(20);
    expect(page.current.size).toBe(0);
    // The same connector sees the fields once it has installed them.
    await connector.install();
    expect((await connector.pullOrg()).quotas.length).toBeGreaterThan(0);
  });

  it('puts back a field an admin changed, and only that one', async () => {
    await org.connector().install();
    const user = org.user();
    const saved = await user.metadata.update('CustomField', {
      fullName: 'Opportunity.PC_Manager_Credit__c',
      label: 'Renamed by an admin',
      type: 'Currency',
      precision: 18,
      scale: 2,
    });
    expect(saved).toMatchObject({ success: true });
    const report = await org.connector().install();
    expect(report.updated).toEqual(['CustomField:Opportunity.PC_Manager_Credit__c']);
    expect(report.created).toEqual([]);
    const read = (await user.metadata.read('CustomField', 'Opportunity.PC_Manager_Credit__c')) as {
      label?: string;
    };
    expect(read.label).toBe('Manager Credit');
  });
});

// Protects the sandbox's wire format against the real jsforce: paging, limits, errors, sObject and collection writes, Bulk API 2.0, Metadata API, composite, and the /__sandbox controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../../src/generator/index.js';
import { startTestOrg, type TestOrg } from './support.js';

describe('Salesforce sandbox API', () => {
  let org: TestOrg;
  beforeAll(async () => {
    org = await startTestOrg({ snapshot: generateOrg({ deals: 450, seed: 4 }) });
    await org.connector().install();
  });
  afterAll(() => org.close());

  it('pages queries by Sforce-Query-Options batchSize with nextRecordsUrl', async () => {
    const user = org.user();
    const first = await user.request<{
      totalSize: number;
      done: boolean;
      nextRecordsUrl?: string;
      records: unknown[];
    }>({
      method: 'GET',
      url: `/query?q=${encodeURIComponent('SELECT Id FROM Opportunity ORDER BY Id')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    expect(first).toMatchObject({
      totalSize: 450,
      done: false,
      nextRecordsUrl: expect.stringMatching(/^\/services\/data\/v62\.0\/query\/01g\w{15}-200$/),
    });
    expect(first.records).toHaveLength(200);
    org.sf.resetStats();
    const all = await user.query('SELECT Id, Name FROM Opportunity', {
      autoFetch: true,
      maxFetch: 1000,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    expect(all.records).toHaveLength(450);
    expect(org.sf.stats().byEndpoint).toEqual({ 'GET /query': 1, 'GET /query/:locator': 2 });
    await expect(user.queryMore('01gNOPE000000000000-200')).rejects.toMatchObject({
      errorCode: 'INVALID_QUERY_LOCATOR',
    });
  });

  it('reports usage in Sforce-Limit-Info and /limits, and answers 403 past the daily budget', async () => {
    const user = org.user();
    await user.query('SELECT Id FROM User LIMIT 1');
    const used = user.limitInfo.apiUsage!.used;
    expect(user.limitInfo.apiUsage).toEqual({ used, limit: 1_000_000 });
    const limits = await user.limits();
    expect(limits.DailyApiRequests).toEqual({ Max: 1_000_000, Remaining: 1_000_000 - used - 1 });
    org.sf.setSwitches({ dailyApiLimit: used + 1 });
    try {
      await expect(user.query('SELECT Id FROM User LIMIT 1')).rejects.toMatchObject({
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        message: 'TotalRequests Limit exceeded.',
      });
    } finally {
      org.sf.setSwitches({ dailyApiLimit: 1_000_000 });
    }
  });

  it('answers 401 INVALID_SESSION_ID to an unknown token and 414 to a URI over 16 KB', async () => {
    const user = org.user();
    user.accessToken = 'not-a-token';
    await expect(user.query('SELECT Id FROM User')).rejects.toMatchObject({
      errorCode: 'INVALID_SESSION_ID',
    });
    const ids = Array.from({ length: 800 }, (_, i) => `'006${String(i).padStart(15, '0')}'`).join(',');
    await expect(org.user().query(`SELECT Id FROM Opportunity WHERE Id IN (${ids})`)).rejects.toMatchObject({
      errorCode: 'ERROR_HTTP_414',
    });
  });

  it('reads, updates, creates, upserts and deletes single records', async () => {
    const user = org.user();
    const [opp] = (
      await user.query<{ Id: string }>("SELECT Id FROM Opportunity WHERE StageName = 'Closed Lost' LIMIT 1")
    ).records;
    await user.sobject('Opportunity').update({ Id: opp!.Id, StageName: 'Closed Won' });
    expect(await user.sobject('Opportunity').retrieve(opp!.Id)).toMatchObject({
      StageName: 'Closed Won',
      IsWon: true,
      IsClosed: true,
    });
    await expect(user.sobject('Opportunity').update({ Id: opp!.Id, IsWon: false })).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    });
    const manager = (await user.query<{ Id: string }>('SELECT Id FROM User LIMIT 1')).records[0]!.Id;
    const created = await user.sobject('PC_Manager_Attainment__c').upsert(
      {
        PC_Key__c: `${manager}:FY2099-Q1`,
        PC_Manager__c: manager,
        PC_Period__c: 'FY2099-Q1',
        PC_Quota__c: 5,
      },
      'PC_Key__c',
    );
    expect(created).toMatchObject({ success: true, created: true });
    const updated = await user
      .sobject('PC_Manager_Attainment__c')
      .upsert({ PC_Key__c: `${manager}:FY2099-Q1`, PC_Quota__c: 6 }, 'PC_Key__c');
    expect(updated).toMatchObject({ success: true, created: false, id: created.id });
    const row = await user.sobject('PC_Manager_Attainment__c').retrieve(created.id!);
    expect(row).toMatchObject({ PC_Quota__c: 6, Name: expect.stringMatching(/^PCA-\d{6}$/) });
    await user.sobject('PC_Manager_Attainment__c').destroy(created.id!);
    await expect(user.sobject('PC_Manager_Attainment__c').retrieve(created.id!)).rejects.toMatchObject({
      errorCode: 'NOT_FOUND',
    });
  });

  it('reads text beyond ASCII back exactly through the connector transport', async () => {
    const user = org.user();
    const [opp] = (await user.query<{ Id: string }>('SELECT Id FROM Opportunity LIMIT 1')).records;
    // Two-, three- and four-byte UTF-8, and a Latin-1-looking pair that must not be taken as such.
    const name = 'Müller & Søn – 東京 deal 🚀 Ã©';
    await user.sobject('Opportunity').update({ Id: opp!.Id, Name: name });
    const [back] = (
      await user.query<{ Name: string }>(`SELECT Name FROM Opportunity WHERE Id = '${opp!.Id}'`)
    ).records;
    expect(back!.Name).toBe(name);
  });

  it('takes at most 200 records a collection, answers per record, and rolls back with allOrNone', async () => {
    const user = org.user();
    const opps = (
      await user.query<{ Id: string; Name: string }>('SELECT Id, Name FROM Opportunity ORDER BY Id LIMIT 201')
    ).records;
    const rename = (o: { Id: string }) => ({ Id: o.Id, Name: `renamed ${o.Id}` });
    await expect(user.sobject('Opportunity').update(opps.map(rename))).rejects.toMatchObject({
      errorCode: 'EXCEEDED_ID_LIMIT',
    });
    const results = await user
      .sobject('Opportunity')
      .update([rename(opps[0]!), { Id: opps[1]!.Id, CloseDate: 'soon' }], { allOrNone: true });
    expect(
      results.map((r) => [
        r.success,
        r.errors[0]?.errorCode ?? (r.errors[0] as { statusCode?: string } | undefined)?.statusCode,
      ]),
    ).toEqual([
      [false, 'ALL_OR_NONE_OPERATION_ROLLED_BACK'],
      [false, 'JSON_PARSER_ERROR'],
    ]);
    expect((await user.sobject('Opportunity').retrieve(opps[0]!.Id)).Name).toBe(opps[0]!.Name);
  });

  it('serves Bulk API 2.0 ingest and query to jsforce, the last locator null', async () => {
    const user = org.user();
    user.bulk2.pollInterval = 5;
    const opps = (await user.query<{ Id: string }>('SELECT Id FROM Opportunity ORDER BY Id LIMIT 300'))
      .records;
    const results = await user.bulk2.loadAndWaitForResults({
      object: 'Opportunity',
      operation: 'update',
      input: opps.map((o, i) => ({ Id: o.Id, Name: i === 0 ? 'bulk "quoted", name' : `bulk ${i}` })),
      pollInterval: 5,
      pollTimeout: 10_000,
    });
    expect(results.successfulResults).toHaveLength(300);
    expect(results.failedResults).toHaveLength(0);
    const rows = await (
      await user.bulk2.query("SELECT Id, Name, Owner.Email FROM Opportunity WHERE Name LIKE 'bulk%'", {
        pollInterval: 5,
      })
    ).toArray();
    expect(rows).toHaveLength(300);
    expect(rows.find((r) => r['Id'] === opps[0]!.Id)).toMatchObject({
      Name: 'bulk "quoted", name',
      'Owner.Email': expect.stringContaining('@acme.com'),
    });
  });

  it('creates custom fields with the Metadata API; they are queryable once a permission set grants them', async () => {
    const user = org.user();
    const saved = await user.metadata.create('CustomField', {
      fullName: 'Account.Score__c',
      label: 'Score',
      type: 'Number',
      precision: 10,
      scale: 0,
    });
    expect(saved).toMatchObject({ success: true, fullName: 'Account.Score__c' });
    expect(
      await user.metadata.create('CustomField', {
        fullName: 'Account.Score__c',
        label: 'Score',
        type: 'Number',
        precision: 10,
        scale: 0,
      }),
    ).toMatchObject({
      success: false,
      errors: [expect.objectContaining({ statusCode: 'DUPLICATE_DEVELOPER_NAME' })],
    });
    expect(
      await user.metadata.create('CustomField', { fullName: 'Account.Bad__c', label: 'Bad', type: 'Text' }),
    ).toMatchObject({
      success: false,
      errors: [
        expect.objectContaining({
          statusCode: 'FIELD_INTEGRITY_EXCEPTION',
          message: expect.stringContaining('length'),
        }),
      ],
    });
    await expect(user.query('SELECT Score__c FROM Account')).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
    const ps = await user.metadata.read('PermissionSet', 'Playercoach');
    await user.metadata.update('PermissionSet', [
      {
        ...ps,
        fullName: 'Playercoach',
        fieldPermissions: [
          ...(ps.fieldPermissions ?? []),
          { field: 'Account.Score__c', readable: true, editable: true },
        ],
      },
    ]);
    expect((await user.query('SELECT Score__c FROM Account LIMIT 1')).records).toHaveLength(1);
  });

  it('runs composite subrequests as one call, at most 5 queries', async () => {
    const user = org.user();
    org.sf.resetStats();
    const q = (soql: string) => ({
      method: 'GET',
      url: `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`,
      referenceId: `r${soql.length}`,
    });
    const res = await user.requestPost<{ compositeResponse: { httpStatusCode: number; body: unknown }[] }>(
      '/composite',
      {
        compositeRequest: [
          {
            method: 'GET',
            url: `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, OwnerId FROM Opportunity LIMIT 1')}`,
            referenceId: 'opp',
          },
          {
            method: 'GET',
            url: '/services/data/v62.0/sobjects/User/@{opp.records[0].OwnerId}',
            referenceId: 'owner',
          },
          {
            method: 'GET',
            url: `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Nope FROM User')}`,
            referenceId: 'bad',
          },
        ],
      },
    );
    expect(res.compositeResponse.map((r) => r.httpStatusCode)).toEqual([200, 200, 400]);
    expect(res.compositeResponse[1]!.body).toMatchObject({ attributes: { type: 'User' } });
    expect(res.compositeResponse[2]!.body).toEqual([expect.objectContaining({ errorCode: 'INVALID_FIELD' })]);
    expect(org.sf.stats()).toMatchObject({ calls: 1, apiUsage: { used: expect.any(Number) } });
    const six = ['Id', 'Name', 'Email', 'IsActive', 'ManagerId', 'Username'].map((f) =>
      q(`SELECT ${f} FROM User`),
    );
    await expect(user.requestPost('/composite', { compositeRequest: six })).rejects.toMatchObject({
      errorCode: 'LIMIT_EXCEEDED',
    });
  });

  it('is driven over HTTP under /__sandbox', async () => {
    const base = `${org.sf.url}/__sandbox`;
    const stats = await (await fetch(`${base}/stats`)).json();
    expect(stats).toMatchObject({
      calls: expect.any(Number),
      byEndpoint: expect.any(Object),
      apiUsage: { limit: 1_000_000 },
    });
    const bad = await fetch(`${base}/switches`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate503: 2, nope: 1 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: string[] }).issues.join('\n')).toMatch(
      /errorRate503[\s\S]*nope|nope[\s\S]*errorRate503/,
    );
    const ok = await fetch(`${base}/switches`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 1 }),
    });
    expect(await ok.json()).toMatchObject({ latencyMs: 1, errorRate503: 0 });
    await fetch(`${base}/switches`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 0 }),
    });
    expect(
      (
        await fetch(`${base}/outbound`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: '{"url":"ftp://x"}',
        })
      ).status,
    ).toBe(400);
    const tokens = (await (
      await fetch(`${base}/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { accessToken: string };
    const res = await fetch(`${org.sf.url}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/1000000$/);
  });
});

/**
 * A rep closing a deal in Salesforce, through the REST API as the rep and the manager would:
 * the rep opens an opportunity on an account they sell to, logs the buyer meeting (an Event with
 * the buyer contact and the manager invited), the manager accepts the invitation, and the rep
 * moves the opportunity to Closed Won. The org's Outbound Message does the rest.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
 */
import { SALESFORCE_API_VERSION } from '../../connectors/salesforce/api-version.js';
import { soql } from '../../connectors/salesforce/soql.js';
import { type ClosedDeal, dealNameFor } from './closed-deal.js';
import { type ApiCall, crmApi } from './crm-api.js';
import type { RepStory } from './story.js';

const BASE = `/services/data/v${SALESFORCE_API_VERSION}`;

interface QueryResult<T> {
  records: T[];
}

/** Tokens for one user, as logging in would give: the sandbox mints them without the OAuth dance. */
async function loginAs(url: string, userId: string): Promise<ApiCall> {
  const res = await fetch(`${url}/__sandbox/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) throw new Error(`Salesforce sandbox: no token for ${userId}: ${await res.text()}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  return crmApi(url, accessToken, 'Salesforce');
}

export async function closeSalesforceDeal(url: string, story: RepStory): Promise<ClosedDeal> {
  const rep = await loginAs(url, story.repId);
  const query = <T>(text: string) =>
    rep<QueryResult<T>>('GET', `${BASE}/query?q=${encodeURIComponent(text)}`).then((r) => r.records);

  // A buyer at an account the rep already sells to.
  const accounts = await query<{ AccountId: string | null }>(
    soql`SELECT AccountId FROM Opportunity WHERE OwnerId = ${story.repId} ORDER BY CloseDate DESC LIMIT 50`,
  );
  const accountIds = [...new Set(accounts.map((a) => a.AccountId).filter((id): id is string => id !== null))];
  if (accountIds.length === 0) throw new Error(`Salesforce: ${story.repName} has no account`);
  const contacts = await query<{ Id: string; Email: string | null; AccountId: string }>(
    soql`SELECT Id, Email, AccountId FROM Contact WHERE AccountId IN ${accountIds} ORDER BY Email LIMIT 10`,
  );
  const buyer = contacts.find((c): c is typeof c & { Email: string } => Boolean(c.Email));
  if (buyer === undefined) throw new Error(`Salesforce: no buyer contact on ${story.repName}'s accounts`);
  const name = dealNameFor(buyer.Email);

  const opp = await rep<{ id: string }>('POST', `${BASE}/sobjects/Opportunity`, {
    Name: name,
    AccountId: buyer.AccountId,
    OwnerId: story.repId,
    StageName: 'Negotiation/Review',
    CloseDate: story.closeDate,
    Amount: Number(story.amount),
    CurrencyIsoCode: 'USD',
  });
  const event = await rep<{ id: string }>('POST', `${BASE}/sobjects/Event`, {
    WhatId: opp.id,
    OwnerId: story.repId,
    Subject: `Pricing review: ${name}`,
    StartDateTime: story.meetingStart,
    DurationInMinutes: 45,
  });
  await rep('POST', `${BASE}/sobjects/EventRelation`, {
    EventId: event.id,
    RelationId: buyer.Id,
    IsInvitee: true,
    Status: 'Accepted',
  });
  const invite = await rep<{ id: string }>('POST', `${BASE}/sobjects/EventRelation`, {
    EventId: event.id,
    RelationId: story.managerId,
    IsInvitee: true,
    Status: 'New',
  });
  const manager = await loginAs(url, story.managerId);
  await manager('PATCH', `${BASE}/sobjects/EventRelation/${invite.id}`, { Status: 'Accepted' });

  await rep('PATCH', `${BASE}/sobjects/Opportunity/${opp.id}`, {
    StageName: 'Closed Won',
    CloseDate: story.closeDate,
  });
  return { dealId: opp.id, name, buyerEmail: buyer.Email };
}

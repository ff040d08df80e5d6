/**
 * A rep closing a deal in HubSpot, through the CRM API as their integration would: a new deal
 * with a company the rep sells to, the buyer meeting logged on it (the manager among the attending
 * owners, the buyer contact associated, outcome completed), then the deal moved to Closed Won.
 * The portal's webhook subscription does the rest.
 * https://developers.hubspot.com/docs/api/crm/deals
 * https://developers.hubspot.com/docs/api/crm/meetings
 */

import { type ClosedDeal, dealNameFor } from './closed-deal.js';
import { type ApiCall, crmApi } from './crm-api.js';
import type { RepStory } from './story.js';

/** HubSpot-defined association type ids (CRM-FACTS.md H5). */
const DEAL_TO_COMPANY = 341;
const MEETING_TO_DEAL = 212;
const MEETING_TO_CONTACT = 200;

interface Associations {
  results: Array<{ toObjectId: string | number }>;
}

const linked = (api: ApiCall, from: string, id: string, to: string) =>
  api<Associations>('GET', `/crm/v4/objects/${from}/${id}/associations/${to}`).then((r) =>
    r.results.map((a) => String(a.toObjectId)),
  );

const association = (id: string, typeId: number) => ({
  to: { id },
  types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
});

/** A buyer who met the rep before, and the company of that deal. */
async function findBuyer(api: ApiCall, story: RepStory) {
  const deals = await api<{ results: Array<{ id: string }> }>('POST', '/crm/v3/objects/deals/search', {
    filterGroups: [{ filters: [{ propertyName: 'hubspot_owner_id', operator: 'EQ', value: story.repId }] }],
    properties: ['dealname'],
    limit: 50,
  });
  for (const deal of deals.results) {
    const [companyId] = await linked(api, 'deals', deal.id, 'companies');
    if (companyId === undefined) continue;
    for (const meetingId of await linked(api, 'deals', deal.id, 'meetings')) {
      for (const contactId of await linked(api, 'meetings', meetingId, 'contacts')) {
        const contact = await api<{ properties: { email?: string | null } }>(
          'GET',
          `/crm/v3/objects/contacts/${contactId}?properties=email`,
        );
        const email = contact.properties.email;
        if (email) return { contactId, email, companyId };
      }
    }
  }
  throw new Error(`HubSpot: ${story.repName} has met no buyer contact`);
}

export async function closeHubSpotDeal(url: string, story: RepStory): Promise<ClosedDeal> {
  const res = await fetch(`${url}/__sandbox/tokens`, { method: 'POST' });
  if (!res.ok) throw new Error(`HubSpot sandbox: no token: ${await res.text()}`);
  const api = crmApi(url, ((await res.json()) as { accessToken: string }).accessToken, 'HubSpot');

  const buyer = await findBuyer(api, story);
  const name = dealNameFor(buyer.email);
  const closedate = `${story.closeDate}T00:00:00.000Z`;

  const deal = await api<{ id: string }>('POST', '/crm/v3/objects/deals', {
    properties: {
      dealname: name,
      amount: story.amount,
      deal_currency_code: 'USD',
      closedate,
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
      hubspot_owner_id: story.repId,
    },
    associations: [association(buyer.companyId, DEAL_TO_COMPANY)],
  });
  const end = new Date(Date.parse(story.meetingStart) + 45 * 60_000).toISOString();
  await api('POST', '/crm/v3/objects/meetings', {
    properties: {
      hs_timestamp: story.meetingStart,
      hs_meeting_start_time: story.meetingStart,
      hs_meeting_end_time: end,
      hs_meeting_title: `Pricing review: ${name}`,
      hs_meeting_outcome: 'COMPLETED',
      hubspot_owner_id: story.repId,
      hs_attendee_owner_ids: story.managerId,
    },
    associations: [association(deal.id, MEETING_TO_DEAL), association(buyer.contactId, MEETING_TO_CONTACT)],
  });
  await api('PATCH', `/crm/v3/objects/deals/${deal.id}`, {
    properties: { dealstage: 'closedwon', closedate },
  });
  return { dealId: deal.id, name, buyerEmail: buyer.email };
}

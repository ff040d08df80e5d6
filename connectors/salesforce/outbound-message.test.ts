// Protects the Outbound Message endpoint's parsing: valid messages become change events, anything malformed is an InputError, org ids compare in 15 and 18 characters.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { outboundAck, parseOutboundMessage, toChangeEvents, verifyOrganization } from './outbound-message.js';
import { to18 } from './salesforce-id.js';

const ORG = '00D5g000004XyZaEAK';

function message(notifications: string, org = ORG): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${org}</OrganizationId>
   <ActionId>04k5g000000CaRBAA0</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/${org}</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/${org}</PartnerUrl>
   ${notifications}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;
}

function notification(id: string, type: string, sfId: string, extra = ''): string {
  return `<Notification><Id>${id}</Id><sObject xsi:type="sf:${type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>${sfId}</sf:Id>${extra}</sObject></Notification>`;
}

describe('parseOutboundMessage', () => {
  it('reads the envelope and every notification with its fields', () => {
    const xml = message(
      notification(
        '04l5g00000AAAA1AAA',
        'Opportunity',
        '0065g00000AbCdEAAV',
        '<sf:StageName>Closed Won</sf:StageName><sf:Name>R&amp;D &lt;renewal&gt;</sf:Name><sf:Amount xsi:nil="true"/><sf:SystemModstamp>2026-03-15T10:00:00.000Z</sf:SystemModstamp>',
      ) + notification('04l5g00000AAAA2AAA', 'Event', '00U5g00000AbCdEAAV'),
    );
    const msg = parseOutboundMessage(Buffer.from(xml));
    expect(msg.organizationId).toBe(ORG);
    expect(msg.actionId).toBe('04k5g000000CaRBAA0');
    expect(msg.sessionId).toBeNull();
    expect(msg.partnerUrl).toContain('/services/Soap/u/62.0/');
    expect(msg.notifications).toEqual([
      {
        id: '04l5g00000AAAA1AAA',
        sObjectType: 'Opportunity',
        sObjectId: '0065g00000AbCdEAAV',
        fields: {
          Id: '0065g00000AbCdEAAV',
          StageName: 'Closed Won',
          Name: 'R&D <renewal>',
          SystemModstamp: '2026-03-15T10:00:00.000Z',
        },
      },
      {
        id: '04l5g00000AAAA2AAA',
        sObjectType: 'Event',
        sObjectId: '00U5g00000AbCdEAAV',
        fields: { Id: '00U5g00000AbCdEAAV' },
      },
    ]);
    expect(toChangeEvents(msg)).toEqual([
      { objectType: 'deal', id: '0065g00000AbCdEAAV', occurredAt: '2026-03-15T10:00:00.000Z' },
      { objectType: 'meeting', id: '00U5g00000AbCdEAAV', occurredAt: null },
    ]);
  });

  it('takes 100 notifications and ignores objects it does not follow', () => {
    const many = Array.from({ length: 100 }, (_, i) =>
      notification(
        `04l5g0000${String(i).padStart(9, '0')}`,
        i % 2 ? 'Task' : 'Account',
        to18(`00T5g0000${String(i).padStart(6, '0')}`),
      ),
    ).join('');
    const msg = parseOutboundMessage(message(many));
    expect(msg.notifications).toHaveLength(100);
    expect(toChangeEvents(msg).every((e) => e.objectType === 'call')).toBe(true);
    expect(toChangeEvents(msg)).toHaveLength(50);
  });

  it.each([
    ['not XML at all', 'hello', /not well-formed|no soap Envelope/],
    [
      'another SOAP body',
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><x/></soapenv:Body></soapenv:Envelope>',
      /no soap Envelope\/Body\/notifications/,
    ],
    ['no notification', message(''), /has no Notification/],
    [
      'no organization',
      message(notification('04l1', 'Opportunity', '0065g00000AbCdEAAV'), ''),
      /OrganizationId is missing/,
    ],
    [
      'a bad organization id',
      message(notification('04l1', 'Opportunity', '0065g00000AbCdEAAV'), 'acme'),
      /not a Salesforce id/,
    ],
    [
      'a notification without sObject',
      message('<Notification><Id>04l1</Id></Notification>'),
      /sObject is missing/,
    ],
    [
      'an sObject without Id',
      message('<Notification><Id>04l1</Id><sObject xsi:type="sf:Opportunity"/></Notification>'),
      /no valid Id/,
    ],
    [
      'too many notifications',
      message(notification('04l1', 'Opportunity', '0065g00000AbCdEAAV').repeat(101)),
      /at most 100/,
    ],
    [
      'a DOCTYPE',
      `<!DOCTYPE x [<!ENTITY a "aaaa">]>${message(notification('04l1', 'Opportunity', '0065g00000AbCdEAAV'))}`,
      /DOCTYPE/,
    ],
  ])('refuses %s with an InputError', (_name, xml, why) => {
    expect(() => parseOutboundMessage(xml)).toThrow(InputError);
    expect(() => parseOutboundMessage(xml)).toThrow(why);
  });
});

describe('verifyOrganization', () => {
  const msg = { organizationId: ORG };
  it.each([
    ['the same 18-character id', ORG, true],
    ['its 15-character form', ORG.slice(0, 15), true],
    ['a 15-character message against an 18-character tenant', ORG, true],
    ['another org', '00D5g000004XyZbEAK', false],
    ['the same letters in another case', ORG.slice(0, 15).toLowerCase(), false],
    ['garbage', 'not-an-id', false],
  ])('%s → %s', (_name, expected, ok) => {
    expect(verifyOrganization(msg, expected)).toBe(ok);
  });

  it('accepts a 15-character id in the message', () => {
    expect(verifyOrganization({ organizationId: ORG.slice(0, 15) }, to18(ORG))).toBe(true);
  });
});

describe('outboundAck', () => {
  it('is the notificationsResponse Salesforce waits for', () => {
    const ack = outboundAck();
    expect(ack).toContain('<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">');
    expect(ack).toMatch(/<Ack>true<\/Ack>/);
  });
});

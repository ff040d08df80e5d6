/**
 * Salesforce Outbound Messages: parsing the SOAP `notifications` a workflow or flow action POSTs
 * (1 to 100 notifications), checking that it comes from the tenant's org, turning it into change
 * events, and the `notificationsResponse` Ack that stops redelivery. Messages are unsigned: the
 * organization id and a per-tenant secret in the endpoint URL are what authenticate them.
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_wsdl.htm
 */
import { timingSafeEqual } from 'node:crypto';
import { InputError } from '../../src/errors.js';
import type { ChangeEvent } from '../types.js';
import { isSalesforceId, to18 } from './salesforce-id.js';
import { createSoapParser, hasDoctype } from './soap-parser.js';

export interface OutboundNotification {
  /** The notification's own id: deliveries repeat, so dedupe on it. */
  id: string;
  sObjectType: string;
  sObjectId: string;
  /** The fields the outbound message action sends, as text. */
  fields: Record<string, string>;
}

export interface OutboundMessage {
  organizationId: string;
  actionId: string;
  sessionId: string | null;
  enterpriseUrl: string;
  partnerUrl: string;
  notifications: OutboundNotification[];
}

const MAX_NOTIFICATIONS = 100;

const parser = createSoapParser(['Notification']);

function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && '#text' in v)
    return String((v as { '#text': unknown })['#text']);
  return null;
}

function isNil(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)['@_nil'] === 'true';
}

/** Parses a notifications message; anything malformed is an InputError naming what is wrong. */
export function parseOutboundMessage(xml: string | Buffer): OutboundMessage {
  const source = typeof xml === 'string' ? xml : xml.toString('utf8');
  if (hasDoctype(source)) throw new InputError('outbound message must not contain a DOCTYPE');
  let doc: unknown;
  try {
    doc = parser.parse(source, true);
  } catch (err) {
    throw new InputError(`outbound message is not well-formed XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const body = (doc as { Envelope?: { Body?: { notifications?: unknown } } } | null)?.Envelope?.Body;
  const n = body?.notifications as Record<string, unknown> | undefined;
  if (n === undefined || typeof n !== 'object' || n === null) {
    throw new InputError('outbound message has no soap Envelope/Body/notifications element');
  }
  const issues: string[] = [];
  const required = (key: string): string => {
    const v = text(n[key]);
    if (v === null || v === '') issues.push(`notifications.${key} is missing`);
    return v ?? '';
  };
  const organizationId = required('OrganizationId');
  const actionId = required('ActionId');
  const enterpriseUrl = text(n['EnterpriseUrl']) ?? '';
  const partnerUrl = text(n['PartnerUrl']) ?? '';
  const session = n['SessionId'];
  const sessionId = session === undefined || isNil(session) ? null : text(session);
  if (organizationId !== '' && !isSalesforceId(organizationId))
    issues.push('notifications.OrganizationId is not a Salesforce id');

  const raw = Array.isArray(n['Notification']) ? (n['Notification'] as unknown[]) : [];
  if (raw.length === 0) issues.push('notifications has no Notification');
  if (raw.length > MAX_NOTIFICATIONS)
    issues.push(
      `notifications has ${raw.length} Notification elements; Salesforce sends at most ${MAX_NOTIFICATIONS}`,
    );
  const notifications: OutboundNotification[] = [];
  raw.forEach((item, i) => {
    const node = (item ?? {}) as Record<string, unknown>;
    const id = text(node['Id']);
    const sObject = node['sObject'] as Record<string, unknown> | undefined;
    const type =
      typeof sObject?.['@_type'] === 'string' ? String(sObject['@_type']).replace(/^.*:/, '') : null;
    if (id === null || id === '') issues.push(`Notification[${i}].Id is missing`);
    if (sObject === undefined || typeof sObject !== 'object' || type === null) {
      issues.push(`Notification[${i}].sObject is missing or has no xsi:type`);
      return;
    }
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(sObject)) {
      if (key.startsWith('@_')) continue;
      if (isNil(value)) continue;
      const t = text(value);
      if (t !== null) fields[key] = t;
    }
    const sObjectId = fields['Id'];
    if (sObjectId === undefined || !isSalesforceId(sObjectId)) {
      issues.push(`Notification[${i}].sObject has no valid Id`);
      return;
    }
    notifications.push({ id: id ?? '', sObjectType: type, sObjectId, fields });
  });
  if (issues.length > 0) throw new InputError(issues.map((m) => `outbound message: ${m}`));
  return { organizationId, actionId, sessionId, enterpriseUrl, partnerUrl, notifications };
}

/** Whether the message comes from the expected org; 15- and 18-character ids compare equal. */
export function verifyOrganization(
  msg: Pick<OutboundMessage, 'organizationId'>,
  expectedOrgId: string,
): boolean {
  if (!isSalesforceId(msg.organizationId) || !isSalesforceId(expectedOrgId)) return false;
  const a = Buffer.from(to18(msg.organizationId));
  const b = Buffer.from(to18(expectedOrgId));
  return a.length === b.length && timingSafeEqual(a, b);
}

const OBJECT_TYPES: Record<string, ChangeEvent['objectType']> = {
  Opportunity: 'deal',
  Event: 'meeting',
  Task: 'call',
};

/** One change event per notification about an object playercoach follows; others are ignored. */
export function toChangeEvents(msg: OutboundMessage): ChangeEvent[] {
  const out: ChangeEvent[] = [];
  for (const n of msg.notifications) {
    const objectType = OBJECT_TYPES[n.sObjectType];
    if (objectType === undefined) continue;
    const stamp = n.fields['SystemModstamp'] ?? n.fields['LastModifiedDate'];
    out.push({ objectType, id: n.sObjectId, occurredAt: stamp === undefined ? null : toIso(stamp) });
  }
  return out;
}

function toIso(stamp: string): string | null {
  const m = /^(.*T\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}):?(\d{2})$/.exec(stamp);
  const ms = Date.parse(m === null ? stamp : `${m[1]}${m[2]}:${m[3]}`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The reply that tells Salesforce the message was received and stops its redelivery. */
export function outboundAck(): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
    '<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">' +
    '<Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>'
  );
}

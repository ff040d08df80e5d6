/**
 * Outbound Messages: when an Opportunity changes, Salesforce POSTs a SOAP `notifications`
 * message (1 to 100 notifications) to the configured endpoint and keeps redelivering it, with
 * growing pauses, until the endpoint answers with `<Ack>true</Ack>`. Deliveries may repeat a
 * notification, so receivers dedupe on its Id.
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_understanding.htm
 */

import type { Logger } from '../../../src/logger.js';
import { makeSalesforceId } from '../salesforce-id.js';
import { formatDateTime } from './datetime.js';
import type { SfRecord } from './org-store.js';
import { escapeXml } from './soap-xml.js';

export const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';
const MAX_PER_MESSAGE = 100;
/** The fields the sandbox's outbound message action sends, as an admin would pick them. */
const FIELDS = [
  'Id',
  'Name',
  'StageName',
  'IsWon',
  'IsClosed',
  'CloseDate',
  'Amount',
  'OwnerId',
  'SystemModstamp',
];

export interface OutboundOptions {
  /** First redelivery pause; it doubles up to `maxRetryMs`. */
  retryBaseMs?: number;
  maxRetryMs?: number;
}

interface Notification {
  id: string;
  xml: string;
}

export interface OutboundStats {
  queued: number;
  messagesSent: number;
  notificationsAcked: number;
  failedAttempts: number;
}

export class Outbound {
  private url: string | null = null;
  private readonly queue: Notification[] = [];
  private counter = 0;
  private pumping: Promise<void> | null = null;
  private closed = false;
  private wake: (() => void) | null = null;
  private readonly stats: OutboundStats = {
    queued: 0,
    messagesSent: 0,
    notificationsAcked: 0,
    failedAttempts: 0,
  };
  private readonly retryBaseMs: number;
  private readonly maxRetryMs: number;

  constructor(
    private readonly orgId: string,
    private readonly baseUrl: () => string,
    private readonly logger: Logger,
    options: OutboundOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.maxRetryMs = options.maxRetryMs ?? 60_000;
  }

  setUrl(url: string | null): void {
    this.url = url;
    if (url !== null) this.kick();
  }

  getUrl(): string | null {
    return this.url;
  }

  snapshot(): OutboundStats {
    return { ...this.stats, queued: this.queue.length };
  }

  /** Queues a notification for a changed Opportunity, if an endpoint is configured. */
  notify(objectName: string, rec: SfRecord): void {
    if (objectName !== 'Opportunity' || this.url === null || this.closed) return;
    const id = makeSalesforceId('04l', '7s0', ++this.counter);
    let fields = '';
    for (const f of FIELDS) {
      const v = rec[f];
      if (v === undefined || v === null) continue;
      const text = f === 'SystemModstamp' && typeof v === 'string' ? formatDateTime(v) : String(v);
      fields += `<sf:${f}>${escapeXml(text)}</sf:${f}>`;
    }
    const xml = `<Notification><Id>${id}</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields}</sObject></Notification>`;
    this.queue.push({ id, xml });
    this.stats.queued++;
    this.kick();
  }

  /** Resolves once every queued notification has been acknowledged (or the sandbox closes). */
  async idle(): Promise<void> {
    while (this.pumping !== null) await this.pumping;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.wake?.();
  }

  private kick(): void {
    if (this.pumping !== null || this.queue.length === 0 || this.url === null) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (!this.closed && this.queue.length > 0 && this.url !== null) this.kick();
    });
  }

  private async pump(): Promise<void> {
    let failures = 0;
    while (!this.closed && this.queue.length > 0 && this.url !== null) {
      const batch = this.queue.slice(0, MAX_PER_MESSAGE);
      const acked = await this.deliver(this.url, batch);
      if (acked) {
        this.queue.splice(0, batch.length);
        this.stats.messagesSent++;
        this.stats.notificationsAcked += batch.length;
        failures = 0;
        continue;
      }
      this.stats.failedAttempts++;
      const pause = Math.min(this.maxRetryMs, this.retryBaseMs * 2 ** failures++);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async deliver(url: string, batch: Notification[]): Promise<boolean> {
    const base = this.baseUrl();
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      `<soapenv:Body><notifications xmlns="${OUTBOUND_NS}">` +
      `<OrganizationId>${this.orgId}</OrganizationId>` +
      `<ActionId>${makeSalesforceId('04k', '7s0', 1)}</ActionId>` +
      '<SessionId xsi:nil="true"/>' +
      `<EnterpriseUrl>${escapeXml(`${base}/services/Soap/c/62.0/${this.orgId}`)}</EnterpriseUrl>` +
      `<PartnerUrl>${escapeXml(`${base}/services/Soap/u/62.0/${this.orgId}`)}</PartnerUrl>` +
      batch.map((n) => n.xml).join('') +
      '</notifications></soapenv:Body></soapenv:Envelope>';
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      return res.ok && /<(\w+:)?Ack>\s*true\s*<\/(\w+:)?Ack>/.test(text);
    } catch (err) {
      this.logger.debug({ err, url }, 'outbound message delivery failed');
      return false;
    }
  }
}

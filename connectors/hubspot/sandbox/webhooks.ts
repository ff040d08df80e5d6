/**
 * Webhook delivery, as HubSpot's Webhooks API does it (CRM-FACTS.md H9): each change of a deal,
 * meeting or call becomes an event; events go out as a JSON array of at most 100 per POST to the
 * configured URL, signed with the app's client secret twice: v1 (`X-HubSpot-Signature`,
 * sha256 hex of secret + body, with `X-HubSpot-Signature-Version: v1`) and v3
 * (`X-HubSpot-Signature-v3`, base64 HMAC-SHA256 of method + URL + body + timestamp, with
 * `X-HubSpot-Request-Timestamp`). A batch is retried on 5xx, 429 and timeouts (not on other 4xx)
 * with a doubling delay, up to `webhookMaxAttempts`; `attemptNumber` counts from 0.
 * Deals use `deal.*` subscription types; meetings and calls the generic `object.*` types with
 * `objectTypeId` 0-47 and 0-48.
 */
import { createHash, createHmac } from 'node:crypto';
import type { ChangeEvent, PortalStore } from './portal-store.js';
import { STANDARD_OBJECT_TYPES } from './portal-store.js';
import type { Switches } from './switches.js';

const MAX_EVENTS = 100;

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  objectTypeId?: string;
  propertyName?: string;
  propertyValue?: string;
  changeSource: string;
}

export interface WebhookStats {
  events: number;
  batches: number;
  attempts: number;
  delivered: number;
  failed: number;
}

const SUBSCRIPTION_IDS: Record<string, number> = {
  'deal.creation': 101,
  'deal.propertyChange': 102,
  'deal.deletion': 103,
  'deal.associationChange': 104,
  'object.creation': 201,
  'object.propertyChange': 202,
  'object.deletion': 203,
  'object.associationChange': 204,
};

export function signV1(secret: string, body: string): string {
  return createHash('sha256')
    .update(secret + body, 'utf8')
    .digest('hex');
}

export function signV3(secret: string, method: string, url: string, body: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${method}${url}${body}${timestamp}`, 'utf8').digest('base64');
}

export class WebhookDelivery {
  private url: string | null = null;
  private queue: Array<Omit<WebhookEvent, 'attemptNumber'>> = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private nextEventId = 1;
  private closed = false;
  private readonly counters: WebhookStats = { events: 0, batches: 0, attempts: 0, delivered: 0, failed: 0 };

  constructor(
    store: PortalStore,
    private readonly switches: () => Switches,
    private readonly secret: string,
    private readonly appId: number,
    private readonly portalId: number,
  ) {
    store.onChange((e) => this.enqueue(e));
  }

  setUrl(url: string | null): void {
    this.url = url;
  }

  stats(): WebhookStats {
    return { ...this.counters };
  }

  /** Resolves when nothing is queued or being delivered (retries included). */
  async idle(): Promise<void> {
    while (this.scheduled || this.inFlight.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((r) => setImmediate(r));
    }
  }

  close(): void {
    this.closed = true;
    for (const [t, resolve] of this.timers) {
      clearTimeout(t);
      resolve();
    }
    this.timers.clear();
  }

  private enqueue(change: ChangeEvent): void {
    if (this.url === null || this.closed) return;
    const event = this.toEvent(change);
    if (!event) return;
    this.queue.push(event);
    this.counters.events++;
    if (!this.scheduled) {
      this.scheduled = true;
      // Collect the events of one API call (a batch update makes up to 100) into one delivery.
      setImmediate(() => this.flush());
    }
  }

  private toEvent(change: ChangeEvent): Omit<WebhookEvent, 'attemptNumber'> | null {
    const typeId =
      change.objectType === 'deals'
        ? STANDARD_OBJECT_TYPES.deals
        : change.objectType === 'meetings'
          ? STANDARD_OBJECT_TYPES.meetings
          : change.objectType === 'calls'
            ? STANDARD_OBJECT_TYPES.calls
            : null;
    if (typeId === null) return null;
    const prefix = change.objectType === 'deals' ? 'deal' : 'object';
    const subscriptionType = `${prefix}.${change.kind}`;
    const event: Omit<WebhookEvent, 'attemptNumber'> = {
      eventId: this.nextEventId++,
      subscriptionId: SUBSCRIPTION_IDS[subscriptionType] ?? 0,
      portalId: this.portalId,
      appId: this.appId,
      occurredAt: change.occurredAt,
      subscriptionType,
      objectId: Number(change.objectId),
      changeSource: 'API',
    };
    if (prefix === 'object') event.objectTypeId = typeId;
    if (change.kind === 'propertyChange' && change.propertyName !== undefined) {
      event.propertyName = change.propertyName;
      event.propertyValue = change.propertyValue ?? '';
    }
    return event;
  }

  private flush(): void {
    this.scheduled = false;
    const url = this.url;
    if (url === null || this.closed) {
      this.queue = [];
      return;
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_EVENTS);
      const task = this.deliver(url, batch).finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
    }
  }

  private async deliver(url: string, batch: Array<Omit<WebhookEvent, 'attemptNumber'>>): Promise<void> {
    this.counters.batches++;
    const sw = this.switches();
    for (let attempt = 0; attempt < sw.webhookMaxAttempts && !this.closed; attempt++) {
      const body = JSON.stringify(batch.map((e) => ({ ...e, attemptNumber: attempt })));
      const timestamp = Date.now();
      this.counters.attempts++;
      let retryAfterMs: number | null = null;
      try {
        const res = await fetch(url, {
          method: 'POST',
          body,
          headers: {
            'Content-Type': 'application/json',
            'X-HubSpot-Signature': signV1(this.secret, body),
            'X-HubSpot-Signature-Version': 'v1',
            'X-HubSpot-Signature-v3': signV3(this.secret, 'POST', url, body, timestamp),
            'X-HubSpot-Request-Timestamp': String(timestamp),
          },
          signal: AbortSignal.timeout(sw.webhookTimeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.counters.delivered++;
          return;
        }
        if (res.status !== 429 && res.status < 500) break;
        const header = Number(res.headers.get('retry-after'));
        if (res.status === 429 && Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
      } catch {
        // A timeout or a refused connection: retried like a 5xx.
      }
      if (attempt + 1 < sw.webhookMaxAttempts) {
        await this.sleep(retryAfterMs ?? sw.webhookRetryBaseMs * 2 ** attempt);
      }
    }
    this.counters.failed++;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.set(t, resolve);
    });
  }
}

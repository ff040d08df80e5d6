/**
 * Shared setup for the Salesforce integration tests: a sandbox with an org in it, connectors and
 * plain jsforce connections pointed at it, and the documented view of a snapshot through
 * Salesforce (README.md "Mapping") that round-trip tests compare against.
 */
import { Decimal } from 'decimal.js';
import { Connection } from 'jsforce';
import { DateTime } from 'luxon';
import { SALESFORCE_API_VERSION } from '../../connectors/salesforce/api-version.js';
import type { SalesforceTokens } from '../../connectors/salesforce/auth.js';
import { DirectTransport } from '../../connectors/salesforce/connection.js';
import { callStatus } from '../../connectors/salesforce/mappers/activity.js';
import {
  createSalesforceConnector,
  type SalesforceConnector,
  type SalesforceConnectorConfig,
} from '../../connectors/salesforce/salesforce-connector.js';
import { sandboxConnectionOptions } from '../../connectors/salesforce/sandbox/connection-options.js';
import { callOutcome, EVENT_STATUS } from '../../connectors/salesforce/sandbox/load-snapshot.js';
import {
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
  startSalesforceSandbox,
} from '../../connectors/salesforce/sandbox/server.js';
import type { Activity, Participant, Snapshot } from '../../src/domain/snapshot.js';

/** Short waits: tests must not spend jsforce's seconds of backoff. */
export const FAST_RETRY = { attempts: 8, baseMs: 2, maxMs: 20 };

export interface TestOrg {
  sf: SalesforceSandbox;
  tokens: SalesforceTokens[];
  connector(overrides?: Partial<SalesforceConnectorConfig>): SalesforceConnector;
  /** A plain jsforce connection acting as an org user (no retries). */
  user(): Connection;
  close(): Promise<void>;
}

export async function startTestOrg(options: SalesforceSandboxOptions = {}): Promise<TestOrg> {
  const sf = await startSalesforceSandbox({ clientSecret: 'test-secret', ...options });
  const tokens: SalesforceTokens[] = [];
  return {
    sf,
    tokens,
    connector: (overrides = {}) => {
      return createSalesforceConnector({
        ...sandboxConnectionOptions(sf),
        retry: FAST_RETRY,
        bulkPollIntervalMs: 5,
        onTokens: async (tok) => {
          tokens.push(tok);
        },
        ...overrides,
      });
    },
    user: () => {
      const conn = new Connection({
        instanceUrl: sf.url,
        accessToken: sf.issueTokens().accessToken,
        version: SALESFORCE_API_VERSION,
      });
      conn._transport = new DirectTransport(undefined);
      return conn;
    },
    close: () => sf.close(),
  };
}

const money = (s: string) => new Decimal(s).toFixed(2);
const dec = (s: string) => new Decimal(s).toString();
const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** Sorted and formatted, nothing dropped: two snapshots holding the same facts compare equal. */
export function canonical(s: Snapshot): Snapshot {
  const participant = (p: Participant) => p.userId ?? p.contactId ?? p.email ?? '';
  return {
    ...s,
    internalDomains: [...s.internalDomains].sort(),
    users: [...s.users].sort(byKey((u) => u.id)),
    managerHistory: [...s.managerHistory].sort(byKey((h) => `${h.userId}|${h.from}`)),
    deals: s.deals
      .map((d) => ({
        ...d,
        amount: money(d.amount),
        splits: d.splits.map((sp) => ({ ...sp, percent: dec(sp.percent) })).sort(byKey((sp) => sp.userId)),
      }))
      .sort(byKey((d) => d.id)),
    activities: s.activities
      .map((a) => ({
        ...a,
        start:
          a.start === null
            ? null
            : DateTime.fromISO(a.start, { zone: 'utc' }).toISO({ suppressMilliseconds: true }),
        participants: [...a.participants].sort((x, y) =>
          x.role !== y.role ? (x.role === 'organizer' ? -1 : 1) : participant(x) < participant(y) ? -1 : 1,
        ),
      }))
      .sort(byKey((a) => a.id)),
    quotas: s.quotas
      .map((q) => ({ ...q, amount: money(q.amount) }))
      .sort(byKey((q) => `${q.managerId}|${q.period}`)),
    rates: s.rates.map((r) => ({ ...r, rate: dec(r.rate) })).sort(byKey((r) => `${r.currency}|${r.from}`)),
  };
}

/**
 * What Salesforce can hold of a snapshot, by the documented rules (load-snapshot.ts, README.md):
 * no manager history; internal domains from user emails; single owner-100% splits are none;
 * canceled activities are gone; one deal per activity; an activity's account is its deal's;
 * calls are date-only in the org's time zone with one user (the organizer, attended) and one
 * outcome for their contacts; meeting statuses fold into New/Accepted/Declined; the organizer of
 * a meeting is accepted; emails on user participants and `external` flags are dropped; quotas
 * carry no currency.
 */
export function salesforceView(s: Snapshot): Snapshot {
  const deals = new Map(s.deals.map((d) => [d.id, d]));
  const users = new Set(s.users.map((u) => u.id));
  const back: Record<string, Participant['status']> = {
    Accepted: 'accepted',
    Declined: 'declined',
    New: 'needsAction',
  };
  const meetingStatus = (st: Participant['status']) => back[EVENT_STATUS[st]]!;
  const activities: Activity[] = [];
  for (const a of s.activities) {
    if (a.canceled) continue;
    const dealId = a.dealIds.find((id) => deals.has(id));
    const accountId = dealId === undefined ? a.accountId : deals.get(dealId)!.accountId;
    const organizer = a.participants.find(
      (p) => p.role === 'organizer' && p.userId !== undefined && users.has(p.userId),
    );
    const contacts = a.participants.filter((p) => p.userId === undefined && p.contactId !== undefined);
    const participants: Participant[] = [
      {
        userId: organizer!.userId!,
        role: 'organizer',
        status: a.kind === 'meeting' ? 'accepted' : 'attended',
      },
    ];
    if (a.kind === 'meeting') {
      const seen = new Set([organizer!.userId]);
      for (const p of a.participants) {
        if (p.userId === undefined || seen.has(p.userId) || !users.has(p.userId)) continue;
        seen.add(p.userId);
        participants.push({ userId: p.userId, role: 'attendee', status: meetingStatus(p.status) });
      }
      for (const c of contacts) {
        participants.push({
          contactId: c.contactId!,
          email: c.email!,
          role: 'attendee',
          status: meetingStatus(c.status),
        });
      }
    } else {
      const outcome = callOutcome(contacts[0]?.status ?? null);
      for (const c of contacts) {
        participants.push({
          contactId: c.contactId!,
          email: c.email!,
          role: 'attendee',
          status: callStatus(outcome.Status, outcome.CallDisposition),
        });
      }
    }
    const date =
      a.start === null ? a.date : DateTime.fromISO(a.start, { zone: 'utc' }).setZone(s.timezone).toISODate();
    activities.push({
      id: a.id,
      kind: a.kind,
      dealIds: dealId === undefined ? [] : [dealId],
      accountId,
      start: a.kind === 'meeting' ? a.start : null,
      date: a.kind === 'meeting' ? a.date : date,
      canceled: false,
      participants,
    });
  }
  const domains = new Set(s.users.map((u) => u.email.slice(u.email.lastIndexOf('@') + 1).toLowerCase()));
  return canonical({
    ...s,
    internalDomains: [...domains],
    managerHistory: [],
    deals: s.deals.map((d) => ({
      ...d,
      splits:
        d.splits.length === 1 && d.splits[0]!.userId === d.ownerId && Number(d.splits[0]!.percent) === 100
          ? []
          : d.splits,
    })),
    activities,
    quotas: s.quotas.map(({ currency: _currency, ...q }) => q),
  });
}

/**
 * Either sandbox CRM loaded with an org and a connector to it, for tests that hold every
 * connector to the same contract (describe.each over both providers).
 */
import type { HubSpotConnector } from '../../connectors/hubspot/hubspot-connector.js';
import type { SalesforceConnector } from '../../connectors/salesforce/salesforce-connector.js';
import type { Snapshot } from '../../src/domain/snapshot.js';
import { connectorFor, sandboxWith } from '../hubspot/harness.js';
import { startTestOrg } from '../salesforce/support.js';

export interface SandboxConnector {
  connector: SalesforceConnector | HubSpotConnector;
  close(): Promise<void>;
}

/** The sandbox of `provider` loaded with `org`, and a connector to it, installed. */
export async function sandboxConnector(
  provider: 'salesforce' | 'hubspot',
  org: Snapshot,
): Promise<SandboxConnector> {
  let out: SandboxConnector;
  if (provider === 'salesforce') {
    const t = await startTestOrg({ snapshot: org });
    out = { connector: t.connector(), close: () => t.close() };
  } else {
    const sb = await sandboxWith(org);
    out = { connector: connectorFor(sb), close: () => sb.close() };
  }
  await out.connector.install();
  return out;
}

/**
 * Counts a connector's work in the metrics: CRM calls per operation (the HTTP calls the connector
 * reports making, when it says; one per operation otherwise) and failures by error code.
 */
import type { CrmConnector } from '../connectors/types.js';
import { isPlayercoachError } from '../src/errors.js';
import type { PipelineMetrics } from './deps.js';

type Operation = Exclude<keyof CrmConnector, 'kind'>;

const OPERATIONS: Record<Operation, string> = {
  pullOrg: 'pull-org',
  pullDeals: 'pull-deals',
  pullChangedSince: 'pull-changed',
  pullClosedBetween: 'pull-closed',
  countClosedBetween: 'count-closed',
  resolveDealIds: 'resolve-deals',
  writeBack: 'write-back',
  install: 'install',
  apiUsage: 'api-usage',
};

export function instrumentConnector(connector: CrmConnector, metrics: PipelineMetrics): CrmConnector {
  const provider = connector.kind;
  // Both connectors keep a running count of their HTTP calls; use it when it is there.
  const calls = (): number | undefined => {
    const n = (connector as { calls?: unknown }).calls;
    return typeof n === 'number' ? n : undefined;
  };
  const wrapped = { kind: connector.kind } as CrmConnector;
  for (const [method, operation] of Object.entries(OPERATIONS) as [Operation, string][]) {
    const fn = connector[method] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const before = calls();
      try {
        return await fn.apply(connector, args);
      } catch (err) {
        metrics.crmErrors.inc({ provider, code: isPlayercoachError(err) ? err.code : 'UNEXPECTED' });
        throw err;
      } finally {
        const after = calls();
        const made = before !== undefined && after !== undefined ? after - before : 1;
        if (made > 0) metrics.crmCalls.inc({ provider, operation }, made);
      }
    };
  }
  return wrapped;
}

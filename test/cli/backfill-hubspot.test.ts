// Protects `playercoach backfill` on a HubSpot tenant: the real CLI with its own worker against
// the HubSpot sandbox, its --json document for scripts, and the deal total from HubSpot's search
// `total` matching the deals the backfill pulled and wrote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackfillState } from '../../src/store/backfills.js';
import { type CrmE2E, startCrmE2E } from '../support/crm-e2e.js';
import { cliEnv, runCli } from './backfill-support.js';

const RANGE = { from: '2025-01-01', to: '2026-12-31' };
const DEALS = 120;

describe('playercoach backfill against the HubSpot sandbox', () => {
  let e2e: CrmE2E;
  beforeAll(async () => {
    e2e = await startCrmE2E({ provider: 'hubspot', deals: DEALS });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('backfills the range and prints the final state as JSON', async () => {
    const before = await e2e.crmFields(RANGE);
    expect(Object.keys(before.deals)).toEqual([]);
    const run = await runCli(
      ['backfill', '--tenant', 'acme', '--from', RANGE.from, '--to', RANGE.to, '--page-size', '50', '--json'],
      cliEnv(e2e),
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      backfill: BackfillState;
      dealsTotal: number;
      resumeCommand: null;
    };
    expect(out).toMatchObject({
      backfill: { status: 'completed', dryRun: false, dealsPulled: DEALS, dealsEvaluated: DEALS, pages: 3 },
      dealsTotal: DEALS,
      resumeCommand: null,
    });
    const after = await e2e.crmFields(RANGE);
    expect(Object.keys(after.deals)).toHaveLength(out.backfill.dealsWritten);
    expect(out.backfill.dealsWritten).toBeGreaterThan(DEALS / 4);
    expect(Object.keys(after.attainment).length).toBeGreaterThan(0);
  });
});

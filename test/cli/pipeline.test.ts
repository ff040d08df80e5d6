// Protects the CLI's reading commands against what the pipeline wrote into a sandbox CRM, on both
// CRMs: `attainment` shows the rows the CRM's attainment records hold, `explain` shows the fields
// on the deal and the evidence as counting activities with their external participants, a deal
// never evaluated is NOT_FOUND (exit 1), and `snapshot export` -> `compute` with the tenant's policy
// gives the attainment the service computed.
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExplainOutput } from '../../src/cli/commands/explain.js';
import type { AttainmentRow } from '../../src/domain/results.js';
import { type CliEnv, cliJson, runCli } from '../support/cli.js';
import {
  type CrmE2E,
  type CrmFields,
  type Provider,
  startCrmE2E,
  TENANT,
  waitForBackfill,
} from '../support/crm-e2e.js';

const RANGE = { from: '2025-01-01', to: '2026-12-31' };
const DEALS = 120;

function envOf(e2e: CrmE2E): CliEnv {
  const c = e2e.config;
  const optional = {
    SALESFORCE_CLIENT_ID: c.SALESFORCE_CLIENT_ID,
    SALESFORCE_CLIENT_SECRET: c.SALESFORCE_CLIENT_SECRET,
    HUBSPOT_CLIENT_ID: c.HUBSPOT_CLIENT_ID,
    HUBSPOT_CLIENT_SECRET: c.HUBSPOT_CLIENT_SECRET,
  };
  return {
    PATH: process.env.PATH ?? '',
    REDIS_URL: c.REDIS_URL,
    KEY_PREFIX: c.KEY_PREFIX,
    ENCRYPTION_KEY: c.ENCRYPTION_KEY.toString('hex'),
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  } as CliEnv;
}

/** The service's row without the CLI's additions. */
const bare = ({
  managerName: _n,
  teamShare: _s,
  ...row
}: AttainmentRow & { managerName: unknown; teamShare: unknown }) => row as AttainmentRow;

describe.each<Provider>(['salesforce', 'hubspot'])(
  '%s: explain, attainment, snapshot export',
  { timeout: 300_000 },
  (provider) => {
    let e2e: CrmE2E;
    let env: CliEnv;
    let crm: CrmFields;
    let rows: (AttainmentRow & { managerName: string | null; teamShare: string | null })[];

    beforeAll(async () => {
      e2e = await startCrmE2E({ provider, deals: DEALS, seed: 5 });
      env = envOf(e2e);
      await e2e.startWorker();
      await e2e.idle();
      const res = await e2e.admin('POST', `/tenants/${TENANT}/backfills`, { ...RANGE, pageSize: 60 });
      expect(res.status).toBe(201);
      await waitForBackfill(e2e, res.body.backfill.id, (b) => b.status === 'completed');
      await e2e.idle();
      crm = await e2e.crmFields(RANGE);
      rows = (await cliJson<{ attainment: typeof rows }>(['attainment', '--tenant', TENANT, '--json'], env))
        .attainment;
    }, 300_000);
    afterAll(async () => {
      await e2e?.close();
    });

    it('attainment shows what the CRM attainment records hold, with manager names', async () => {
      expect(rows.length).toBeGreaterThan(0);
      expect(Object.keys(crm.attainment).length).toBeGreaterThan(0);
      for (const row of rows) {
        const { teamShare: _s, managerName: _n, ...fields } = row;
        expect(crm.attainment[`${row.managerId}:${row.period}`], `${row.managerId}:${row.period}`).toEqual(
          fields,
        );
      }
      const names = new Map(e2e.snapshot.users.map((u) => [u.id, u.name]));
      // HubSpot names owners by its own ids; the names still come from the org the worker pulled.
      expect(rows.filter((r) => r.managerName !== null).length).toBe(rows.length);
      if (provider === 'salesforce') for (const r of rows) expect(r.managerName).toBe(names.get(r.managerId));
      const period = rows.find((r) => r.assistedDeals > 0)!.period;
      const table = await runCli(['attainment', '--tenant', TENANT, '--period', period], env);
      expect(table.code).toBe(0);
      expect(table.stdout.startsWith(`${period}:\n`)).toBe(true);
      expect(table.stdout).toMatch(
        /MANAGER\s+QUOTA\s+CREDITED\s+ATTAINMENT\s+ASSISTED DEALS\s+TEAM WON\s+SHARE OF TEAM/,
      );
      expect(table.stdout.trim().split('\n').length).toBe(3 + rows.filter((r) => r.period === period).length);
    });

    it('explain shows the CRM fields and the evidence as counting activities with external participants', async () => {
      const credited = Object.entries(crm.deals).find(([, f]) => f.involved)![0];
      const notCredited = Object.entries(crm.deals).find(([, f]) => !f.involved && f.reason !== '')![0];
      const [a, b] = await Promise.all(
        [credited, notCredited].map((deal) =>
          cliJson<ExplainOutput>(['explain', '--tenant', TENANT, '--deal', deal, '--json'], env),
        ),
      );
      for (const [out, id] of [
        [a!, credited],
        [b!, notCredited],
      ] as const) {
        expect(out.deal.fields).toEqual(crm.deals[id]);
        expect(out.crmNow).toEqual(crm.deals[id]);
        expect(out.deal.writePending).toBe(false);
        expect(out.deal.failure).toBeNull();
      }
      const creditedDecision = a!.deal.decisions.find((d) => d.credited)!;
      expect(creditedDecision.managerId).toBe(crm.deals[credited]!.creditedManagerId);
      expect(creditedDecision.evidence.length).toBeGreaterThan(0);
      for (const id of creditedDecision.evidence) {
        const activity = a!.activities.find((x) => x.id === id);
        expect(activity, id).toMatchObject({ counts: true });
        expect(activity!.external.length).toBeGreaterThan(0);
        expect(activity!.internal.map((p) => p.userId)).toContain(creditedDecision.managerId);
      }
      expect(b!.deal.decisions.every((d) => !d.credited)).toBe(true);

      const text = await runCli(['explain', '--tenant', TENANT, '--deal', credited], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(creditedDecision.reason);
      expect(text.stdout).toMatch(/^Activities:/m);
      expect(text.stdout).toMatch(/The CRM holds what playercoach wants\./);
    });

    it('explain says NOT_FOUND with exit code 1 for a deal never evaluated', async () => {
      const r = await runCli(['explain', '--tenant', TENANT, '--deal', 'never-seen-1'], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/deal never-seen-1 has not been evaluated/);
    });

    it('snapshot export -> compute with the tenant policy gives the attainment the service computed', async () => {
      const dir = tmpdir();
      const snap = join(dir, `pc-export-${provider}-${process.pid}.json`);
      const policy = join(dir, `pc-policy-${provider}-${process.pid}.json`);
      const result = join(dir, `pc-result-${provider}-${process.pid}.json`);
      const exported = await runCli(
        [
          'snapshot',
          'export',
          '--tenant',
          TENANT,
          '--from',
          RANGE.from,
          '--to',
          RANGE.to,
          '--out',
          snap,
          '--policy-out',
          policy,
        ],
        env,
      );
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stderr).toMatch(new RegExp(`exported ${DEALS} deals`));
      const computed = await runCli(
        ['compute', '--snapshot', snap, '--policy', policy, '--out', result],
        env,
      );
      expect(computed.code, computed.stderr).toBe(0);
      const { attainment } = JSON.parse(await readFile(result, 'utf8')) as { attainment: AttainmentRow[] };
      expect(attainment).toEqual(rows.map(bare));
    });
  },
);

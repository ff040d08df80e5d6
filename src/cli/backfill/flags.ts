/**
 * The flags of `playercoach backfill`, checked before anything is opened or started: every
 * problem is an InputError naming the flag (exit code 2), so a typo never starts a backfill.
 */

import { isoDate } from '../../domain/snapshot.js';
import { InputError } from '../../errors.js';
import { backfillIdSchema } from '../../service/backfills.js';

export interface BackfillFlags {
  tenant: string;
  from?: string;
  to?: string;
  dryRun?: boolean;
  resume?: string;
  json?: boolean;
  localWorker: boolean;
  show: string;
  workerWait: string;
  pageSize?: string;
}

export type BackfillPlan =
  | { kind: 'start'; from: string; to: string; dryRun: boolean; pageSize: number | undefined }
  | { kind: 'resume'; backfillId: string };

export interface BackfillOptions {
  tenant: string;
  plan: BackfillPlan;
  json: boolean;
  localWorker: boolean;
  /** Deals listed in a dry run's diff. */
  show: number;
  /** With --no-local-worker: how long a page may wait for a worker before the CLI says so. */
  workerWaitMs: number;
}

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new InputError(`${flag}: "${value}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}

export function parseBackfillFlags(flags: BackfillFlags): BackfillOptions {
  const issues: string[] = [];
  const common = {
    tenant: flags.tenant,
    json: flags.json ?? false,
    localWorker: flags.localWorker,
  };
  const collect = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      issues.push(...err.issues);
      return undefined;
    }
  };
  const show = collect(() => integer('--show', flags.show, 0, 100_000));
  const workerWait = collect(() => integer('--worker-wait', flags.workerWait, 1, 3600));
  let plan: BackfillPlan | undefined;
  if (flags.resume !== undefined) {
    const extra = [
      flags.from !== undefined ? '--from' : null,
      flags.to !== undefined ? '--to' : null,
      flags.dryRun ? '--dry-run' : null,
      flags.pageSize !== undefined ? '--page-size' : null,
    ].filter((f): f is string => f !== null);
    if (extra.length > 0) {
      issues.push(
        `--resume continues a backfill with its own range and mode: drop ${extra.join(', ')} ` +
          '(or start a new backfill without --resume)',
      );
    }
    const id = backfillIdSchema.safeParse(flags.resume);
    if (!id.success) issues.push(`--resume: "${flags.resume}" ${id.error.issues[0]?.message}`);
    else plan = { kind: 'resume', backfillId: id.data };
  } else {
    const date = (flag: '--from' | '--to', value: string | undefined): string | undefined => {
      if (value === undefined) {
        issues.push(`${flag} is required (a date YYYY-MM-DD), unless --resume names a paused backfill`);
        return undefined;
      }
      if (!isoDate.safeParse(value).success) {
        issues.push(`${flag}: "${value}" is not a date YYYY-MM-DD`);
        return undefined;
      }
      return value;
    };
    const from = date('--from', flags.from);
    const to = date('--to', flags.to);
    if (from !== undefined && to !== undefined && from > to)
      issues.push(`--from (${from}) is after --to (${to}): the range would be empty`);
    const pageSize =
      flags.pageSize === undefined
        ? undefined
        : collect(() => integer('--page-size', flags.pageSize!, 1, 2000));
    if (from !== undefined && to !== undefined)
      plan = { kind: 'start', from, to, dryRun: flags.dryRun ?? false, pageSize };
  }
  if (issues.length > 0 || plan === undefined || show === undefined || workerWait === undefined) {
    throw new InputError(issues);
  }
  return { ...common, plan, show, workerWaitMs: workerWait * 1000 };
}

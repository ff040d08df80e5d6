/**
 * Flag parsing shared by the tenant-facing commands: a tenant id checked before Redis is opened
 * (so a typo is exit code 2, not a NOT_FOUND), dates, and JSON output for `--json`.
 */
import { isoDate } from '../domain/snapshot.js';
import { InputError } from '../errors.js';
import { tenantIdSchema } from '../tenants/tenant.js';

export function tenantId(value: string, flag = '--tenant'): string {
  const parsed = tenantIdSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${flag} "${value}": ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

export function dateFlag(value: string, flag: string): string {
  const parsed = isoDate.safeParse(value);
  if (!parsed.success) throw new InputError(`${flag} "${value}": must be a date YYYY-MM-DD`);
  return parsed.data;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

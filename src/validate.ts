/**
 * Parses input with a zod schema; on failure throws one InputError naming every bad field, each
 * line prefixed with what was being read ("tenant", "body", "query"), so the message says where.
 */
import type { z } from 'zod';
import { zodIssues } from './domain/snapshot.js';
import { InputError } from './errors.js';

export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InputError(zodIssues(raw, parsed.error).map((m) => `${what} ${m}`));
  return parsed.data;
}

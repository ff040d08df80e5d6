/**
 * The crediting policy (DESIGN.md "Crediting rules"): one JSON object per tenant. A policy file
 * may hold any subset of the fields; the rest take the defaults below. An unknown field or a bad
 * value is invalid input.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { ACTIVITY_KINDS, PARTICIPANT_STATUSES, zodIssues } from './snapshot.js';

export const policySchema = z.strictObject({
  lookbackDays: z.number().int().min(0).max(3660).default(90),
  activityKinds: z
    .array(z.enum(ACTIVITY_KINDS))
    .min(1)
    .default(() => [...ACTIVITY_KINDS]),
  countedStatuses: z
    .array(z.enum(PARTICIPANT_STATUSES))
    .min(1)
    .default(() => ['accepted' as const, 'attended' as const]),
  requireExternalParticipant: z.boolean().default(true),
  minActivities: z.number().int().min(1).max(1000).default(1),
  includeAccountActivities: z.boolean().default(false),
  managerLevels: z.union([z.literal(1), z.literal(2)]).default(1),
  creditBasis: z.enum(['owner', 'splits']).default('owner'),
  period: z.enum(['quarter', 'month']).default('quarter'),
});

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

export const DEFAULT_POLICY: Policy = policySchema.parse({});

/** Parses a policy (or a partial one); throws an InputError naming every bad field. */
export function parsePolicy(raw: unknown): Policy {
  const parsed = policySchema.safeParse(raw ?? {});
  if (!parsed.success) throw new InputError(zodIssues(raw, parsed.error).map((m) => `policy ${m}`));
  return parsed.data;
}

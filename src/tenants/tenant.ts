/**
 * A tenant is one CRM org (Salesforce) or portal (HubSpot) with its credentials, crediting policy,
 * manager mapping and calendar settings. Credentials are encrypted at rest (src/crypto.ts) and
 * never logged; everything the admin API shows passes through `maskTenant`.
 */
import { z } from 'zod';
import { policySchema } from '../domain/policy.js';
import { timeZone } from '../domain/snapshot.js';

export const tenantIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,62}$/,
    'must be 2-63 characters of a-z, 0-9 and -, starting with a letter or digit',
  );

/** HubSpot has no manager field: the owner's manager comes from this mapping (owner first, then team). */
export const managerMappingSchema = z.strictObject({
  owners: z.record(z.string().min(1), z.string().min(1)).default({}),
  teams: z.record(z.string().min(1), z.string().min(1)).default({}),
});

export const credentialsSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** Epoch ms when the access token expires, when the CRM says. */
  expiresAt: z.number().int().optional(),
});

/** Settings that override what the CRM reports (time zone, fiscal year, internal domains). */
export const tenantSettingsSchema = z.strictObject({
  timezone: timeZone.optional(),
  fiscalYearStartMonth: z.number().int().min(1).max(12).optional(),
  internalDomains: z.array(z.string().min(1)).optional(),
});

export const salesforceTenantSchema = z.object({
  /** 18-character organization id; Outbound Messages must carry it. */
  orgId: z
    .string()
    .regex(/^00D[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/, 'must be a Salesforce organization id (00D...)'),
  instanceUrl: z.url(),
  loginUrl: z.url(),
  /** The secret path segment of this tenant's Outbound Message endpoint. */
  webhookSecret: z.string().min(24),
});

export const hubspotTenantSchema = z.object({
  portalId: z.number().int().positive(),
  basePath: z.url(),
});

export const tenantSchema = z.object({
  id: tenantIdSchema,
  name: z.string().min(1),
  kind: z.enum(['salesforce', 'hubspot']),
  salesforce: salesforceTenantSchema.optional(),
  hubspot: hubspotTenantSchema.optional(),
  credentials: credentialsSchema,
  policy: policySchema,
  managerMapping: managerMappingSchema,
  settings: tenantSettingsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type Tenant = z.infer<typeof tenantSchema>;
export type TenantCredentials = z.infer<typeof credentialsSchema>;
export type ManagerMapping = z.infer<typeof managerMappingSchema>;
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

function mask(value: string): string {
  return value.length <= 4 ? '****' : `****${value.slice(-4)}`;
}

/** The tenant as the admin API and the CLI show it: no token and no secret in clear. */
export function maskTenant(t: Tenant): Tenant {
  return {
    ...t,
    credentials: {
      accessToken: mask(t.credentials.accessToken),
      ...(t.credentials.refreshToken ? { refreshToken: mask(t.credentials.refreshToken) } : {}),
      ...(t.credentials.expiresAt !== undefined ? { expiresAt: t.credentials.expiresAt } : {}),
    },
    ...(t.salesforce
      ? { salesforce: { ...t.salesforce, webhookSecret: mask(t.salesforce.webhookSecret) } }
      : {}),
  };
}

/** Path parameters shared by the admin routes, validated like bodies. */
import { z } from 'zod';
import { tenantIdSchema } from '../../../tenants/tenant.js';
import { parseInput } from '../../../validate.js';

const tenantParams = z.object({ tenant: tenantIdSchema });

export function tenantParam(params: unknown): string {
  return parseInput(tenantParams, params, 'path').tenant;
}

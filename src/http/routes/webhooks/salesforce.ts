/**
 * POST /webhooks/salesforce/:tenant/:secret: an Outbound Message (SOAP, 1 to 100 notifications).
 * Outbound Messages are unsigned, so the endpoint carries a per-tenant secret (compared in constant
 * time) and the message's OrganizationId must be the tenant's org. The SOAP Ack is sent only after
 * the `sync-changes` job is in Redis: without it Salesforce delivers the message again, which is
 * what must happen when Redis is down (503) or the request fails.
 */
import type { FastifyPluginAsync } from 'fastify';
import {
  outboundAck,
  toChangeEvents as outboundChangeEvents,
  parseOutboundMessage,
  verifyOrganization,
} from '../../../../connectors/salesforce/outbound-message.js';
import { tenantIdSchema } from '../../../tenants/tenant.js';
import type { AppDeps } from '../../deps.js';
import { secretsEqual } from '../../secrets.js';
import { accepted, asMalformed, enqueueChanges, rejection } from './enqueue.js';

export const salesforceWebhookRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.post<{ Params: { tenant: string; secret: string } }>(
    '/webhooks/salesforce/:tenant/:secret',
    async (request, reply) => {
      const { tenant, secret } = request.params;
      const auth = tenantIdSchema.safeParse(tenant).success ? await deps.tenants.webhookAuth(tenant) : null;
      if (!auth) throw rejection(deps, 'salesforce', 'unknown-tenant');
      if (!secretsEqual(secret, auth.webhookSecret)) throw rejection(deps, 'salesforce', 'bad-secret');
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const message = asMalformed(deps, 'salesforce', () => parseOutboundMessage(rawBody));
      if (!verifyOrganization(message, auth.orgId)) throw rejection(deps, 'salesforce', 'org-mismatch');

      const changes = outboundChangeEvents(message);
      await enqueueChanges(deps, {
        provider: 'salesforce',
        tenant,
        deliveryIds: message.notifications.map((n) => n.id),
        changes,
      });
      accepted(deps, 'salesforce', changes.length, reply.elapsedTime / 1000);
      return reply.code(200).type('text/xml; charset=utf-8').send(outboundAck());
    },
  );
};

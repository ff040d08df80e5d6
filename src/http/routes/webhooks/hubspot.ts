/**
 * POST /webhooks/hubspot: a batch of up to 100 events from the HubSpot app. The signature is
 * checked on the raw bytes against the URL as HubSpot called it (PUBLIC_BASE_URL + path), the events
 * are parsed, every portalId must belong to a tenant (else 401 and nothing is enqueued: HubSpot does
 * not retry a 401, and the reconcile job repairs what a refused batch carried), and one
 * `sync-changes` job per tenant is enqueued before the 200.
 */
import type { FastifyPluginAsync } from 'fastify';
import {
  type HubSpotWebhookEvent,
  parseHubSpotEvents,
  toChangeEvents,
  verifyHubSpotSignature,
} from '../../../../connectors/hubspot/webhook.js';
import type { AppDeps } from '../../deps.js';
import { accepted, asMalformed, enqueueChanges, rejection } from './enqueue.js';

const EMPTY = Buffer.alloc(0);

export const hubspotWebhookRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '');

  app.post('/webhooks/hubspot', async (request, reply) => {
    const clientSecret = deps.config.HUBSPOT_CLIENT_SECRET;
    if (!clientSecret) throw rejection(deps, 'hubspot', 'not-configured');
    const rawBody = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    const check = verifyHubSpotSignature({
      method: request.method,
      url: base + request.url,
      rawBody,
      headers: request.headers,
      clientSecret,
      now: deps.now(),
    });
    if (!check.ok) throw rejection(deps, 'hubspot', `signature-${check.reason}`);
    const events = asMalformed(deps, 'hubspot', () => parseHubSpotEvents(rawBody));

    const byPortal = new Map<number, HubSpotWebhookEvent[]>();
    for (const e of events) {
      const list = byPortal.get(e.portalId);
      if (list) list.push(e);
      else byPortal.set(e.portalId, [e]);
    }
    const portals = [...byPortal.keys()];
    const tenants = await deps.tenants.byHubSpotPortals(portals);
    if (tenants.some((t) => t === null)) throw rejection(deps, 'hubspot', 'unknown-portal');

    let changeCount = 0;
    await Promise.all(
      portals.map((portal, i) => {
        const portalEvents = byPortal.get(portal) ?? [];
        const changes = toChangeEvents(portalEvents);
        changeCount += changes.length;
        // Events about other objects (contacts, companies) need no work.
        if (changes.length === 0) return undefined;
        return enqueueChanges(deps, {
          provider: 'hubspot',
          tenant: tenants[i] as string,
          deliveryIds: portalEvents.map((e) => String(e.eventId)),
          changes,
        });
      }),
    );
    accepted(deps, 'hubspot', changeCount, reply.elapsedTime / 1000);
    return reply.code(200).send();
  });
};

/**
 * The CRM webhook routes. In this scope every body is kept as the raw bytes fastify read (no
 * parsing, no copy): HubSpot signs the exact bytes, and Outbound Messages are XML the Salesforce
 * parser reads itself.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { hubspotWebhookRoutes } from './hubspot.js';
import { salesforceWebhookRoutes } from './salesforce.js';

export const webhookPlugin: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  await app.register(hubspotWebhookRoutes, deps);
  await app.register(salesforceWebhookRoutes, deps);
};

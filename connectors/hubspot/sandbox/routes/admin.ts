/**
 * The sandbox's own controls under /__sandbox/ (no auth, not counted), so a sandbox started in
 * another process (`playercoach sandbox`) can be driven: call stats, switches, the webhook URL,
 * tokens, the id map.
 */

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sendError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { SandboxIdMap } from '../load-snapshot.js';
import { parseSwitches, type Switches } from '../switches.js';
import type { IssuedTokens } from '../tokens.js';
import type { WebhookDelivery } from '../webhooks.js';

export interface AdminDeps {
  limits: Limits;
  webhooks: WebhookDelivery;
  getSwitches: () => Switches;
  setSwitches: (partial: Partial<Switches>) => void;
  issueTokens: () => IssuedTokens;
  idMap: () => SandboxIdMap;
}

const webhookBody = z.object({ url: z.string().url().nullable() }).strict();

export function adminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/__sandbox/stats', async () => ({ ...deps.limits.stats(), webhooks: deps.webhooks.stats() }));
  app.delete('/__sandbox/stats', async (_req, reply) => {
    deps.limits.resetStats();
    return reply.code(204).send();
  });
  app.get('/__sandbox/switches', async () => deps.getSwitches());
  app.patch('/__sandbox/switches', async (req, reply) => {
    const parsed = z.record(z.string(), z.unknown()).safeParse(req.body);
    if (!parsed.success)
      return sendError(reply, 400, 'VALIDATION_ERROR', 'body must be a JSON object of switches');
    try {
      deps.setSwitches(parseSwitches(parsed.data));
    } catch (err) {
      const message =
        err instanceof z.ZodError
          ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : String(err);
      return sendError(reply, 400, 'VALIDATION_ERROR', `bad switches: ${message}`);
    }
    return deps.getSwitches();
  });
  app.put('/__sandbox/webhook', async (req, reply) => {
    const parsed = webhookBody.safeParse(req.body);
    if (!parsed.success)
      return sendError(reply, 400, 'VALIDATION_ERROR', 'body must be {"url": "<http url>" | null}');
    deps.webhooks.setUrl(parsed.data.url);
    return { url: parsed.data.url };
  });
  app.post('/__sandbox/tokens', async () => deps.issueTokens());
  app.get('/__sandbox/id-map', async () => deps.idMap());
}

/**
 * /__sandbox/*: drive a sandbox running in another process (`playercoach sandbox`): read the
 * call counts, turn the switches, point Outbound Messages somewhere, mint tokens. Not part of
 * Salesforce's API, not authenticated (a sandbox listens on loopback), never counted.
 */
import type { FastifyInstance } from 'fastify';
import { InputError } from '../../../../src/errors.js';
import type { SandboxState } from '../state.js';

const ADMIN = { config: { api: 'admin' } };

export function registerAdminRoutes(
  app: FastifyInstance,
  state: SandboxState,
  issueTokens: (userId?: string) => unknown,
): void {
  const stats = () => ({
    ...state.stats.snapshot(state.switches.get().dailyApiLimit),
    outbound: state.outbound.snapshot(),
  });
  app.get('/__sandbox/stats', ADMIN, async () => stats());
  app.post('/__sandbox/stats/reset', ADMIN, async () => {
    state.stats.reset();
    return stats();
  });
  app.get('/__sandbox/switches', ADMIN, async () => state.switches.get());
  app.patch('/__sandbox/switches', ADMIN, async (request) => state.switches.set(request.body));
  app.put('/__sandbox/outbound', ADMIN, async (request) => {
    const url = (request.body as { url?: unknown } | null)?.url;
    if (url !== null && (typeof url !== 'string' || !/^https?:\/\//.test(url))) {
      throw new InputError('outbound.url must be an http(s) URL or null');
    }
    state.outbound.setUrl(url);
    return { url };
  });
  app.post('/__sandbox/tokens', ADMIN, async (request) => {
    const userId = (request.body as { userId?: unknown } | null)?.userId;
    if (userId !== undefined && typeof userId !== 'string') throw new InputError('userId must be a string');
    return issueTokens(userId);
  });
  app.post('/__sandbox/expire-tokens', ADMIN, async () => {
    state.tokens.expireAll();
    return { expired: true };
  });
}

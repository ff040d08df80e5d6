/**
 * The admin API's gate: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. A browser
 * cannot send a bearer header to the queue dashboard, so there the same token is also accepted as
 * the password of HTTP Basic auth (any user name), and a refusal asks the browser for it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PlayercoachError } from '../../../errors.js';
import { secretsEqual } from '../../secrets.js';

function presentedToken(header: string | undefined, allowBasic: boolean): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (allowBasic && scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : decoded.slice(colon + 1);
  }
  return null;
}

export function requireAdminToken(adminToken: string, basicAuthPrefix: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const allowBasic = request.url.startsWith(basicAuthPrefix);
    const token = presentedToken(request.headers.authorization, allowBasic);
    if (token !== null && secretsEqual(token, adminToken)) return;
    if (allowBasic) reply.header('www-authenticate', 'Basic realm="playercoach admin", charset="UTF-8"');
    throw new PlayercoachError(
      'UNAUTHORIZED',
      token === null ? 'missing admin token: send Authorization: Bearer <token>' : 'wrong admin token',
    );
  };
}

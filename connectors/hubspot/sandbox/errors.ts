/**
 * HubSpot's error body (spec component `Error`): `{status:"error", message, correlationId,
 * category, subCategory?, context?, errors?}`, always JSON.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';

export function errorBody(category: string, message: string, extra: Record<string, unknown> = {}) {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

export function sendError(
  reply: FastifyReply,
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(errorBody(category, message, extra));
}

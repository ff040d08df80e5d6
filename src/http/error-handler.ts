/**
 * The one error handler. A client's mistake (4xx) is answered with its message, so the caller can
 * fix it; anything else is logged with its details and answered with a generic message, so no
 * internals (stack, Redis commands, CRM responses) reach the caller. While Redis is unreachable the
 * answer is 503 with Retry-After: a CRM that gets no acknowledgement delivers the webhook again.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { type ErrorCode, isPlayercoachError } from '../errors.js';

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: readonly string[];
}

const REDIS_DOWN = /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|no answer within/;

function isRedisDown(err: Error, redis: Redis): boolean {
  return redis.status !== 'ready' || err.name === 'MaxRetriesPerRequestError' || REDIS_DOWN.test(err.message);
}

export function toErrorBody(err: FastifyError | Error, redis: Redis): ErrorBody {
  if (isPlayercoachError(err)) {
    const status = STATUS_OF[err.code];
    if (status) {
      const issues = 'issues' in err ? (err.issues as readonly string[]) : undefined;
      return { statusCode: status, error: err.code, message: err.message, ...(issues ? { issues } : {}) };
    }
  } else {
    // fastify's own 4xx (bad JSON, unsupported media type, body too large) say what is wrong.
    const status = (err as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { statusCode: status, error: (err as FastifyError).code ?? 'BAD_REQUEST', message: err.message };
    }
  }
  if (isRedisDown(err, redis)) {
    return { statusCode: 503, error: 'UNAVAILABLE', message: 'storage is unavailable; retry later' };
  }
  return { statusCode: 500, error: 'INTERNAL', message: 'internal error' };
}

export function errorHandler(redis: Redis) {
  return (err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const body = toErrorBody(err, redis);
    if (body.statusCode === 503) {
      request.log.warn({ error: { type: err.name, message: err.message } }, 'storage unavailable');
      reply.header('retry-after', '5');
    } else if (body.statusCode >= 500) {
      // Name, message and stack only: ioredis errors carry the command and its arguments.
      request.log.error(
        { error: { type: err.name, message: err.message, stack: err.stack } },
        'request failed',
      );
    }
    return reply.code(body.statusCode).type('application/json').send(body);
  };
}

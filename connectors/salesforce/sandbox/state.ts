/**
 * Everything one sandbox holds, shared by its route modules, and the request plumbing they all
 * use: Salesforce's error format, the API user of a request, and which requests are composite
 * subrequests (counted once, as part of their composite call).
 */
import type { KeyObject } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../../src/logger.js';
import type { Access } from './access.js';
import type { BulkJobs } from './bulk-jobs.js';
import { type Dml, RequestError } from './dml.js';
import type { MetadataRegistry } from './metadata-registry.js';
import type { OrgStore } from './org-store.js';
import type { Outbound } from './outbound.js';
import type { QueryService } from './query-service.js';
import type { Stats, SwitchBoard } from './switches.js';
import type { TokenStore } from './tokens.js';

export type ApiKind = 'rest' | 'bulk' | 'soap' | 'oauth' | 'identity' | 'admin';

export interface SandboxState {
  store: OrgStore;
  access: Access;
  dml: Dml;
  queries: QueryService;
  tokens: TokenStore;
  switches: SwitchBoard;
  stats: Stats;
  metadata: MetadataRegistry;
  bulk: BulkJobs;
  outbound: Outbound;
  orgId: string;
  clientId: string;
  clientSecret: string;
  /** Public key of the connected app's certificate, for JWT bearer assertions. */
  jwtPublicKey: KeyObject | null;
  /** The user tokens are issued for when nobody says otherwise. */
  defaultUserId: string;
  /** Marks composite subrequests replayed inside the sandbox. */
  internalSecret: string;
  /** The instance (= login) URL, known once the server listens. */
  baseUrl: string;
  logger: Logger;
}

export const SUPPORTED_VERSIONS = [
  '42.0',
  '50.0',
  '55.0',
  '58.0',
  '60.0',
  '61.0',
  '62.0',
  '63.0',
  '64.0',
  '65.0',
  '66.0',
];

const users = new WeakMap<FastifyRequest, string>();

export function setRequestUser(request: FastifyRequest, userId: string): void {
  users.set(request, userId);
}

/** The API user of an authenticated request. */
export function requestUser(request: FastifyRequest): string {
  const userId = users.get(request);
  if (userId === undefined) throw new Error('request was not authenticated');
  return userId;
}

export function apiKindOf(request: FastifyRequest): ApiKind | undefined {
  return (request.routeOptions.config as { api?: ApiKind } | undefined)?.api;
}

/** `v62.0` → `62.0`; an unknown version answers 404 as Salesforce does. */
export function apiVersion(request: FastifyRequest): string {
  const raw = (request.params as { version?: string }).version ?? '';
  const version = raw.replace(/^v/, '');
  if (!SUPPORTED_VERSIONS.includes(version)) {
    throw new RequestError(404, 'NOT_FOUND', `The requested resource does not exist: API version ${raw}`);
  }
  return version;
}

export function restErrorBody(errorCode: string, message: string, fields?: string[]): string {
  return JSON.stringify([{ message, errorCode, ...(fields === undefined ? {} : { fields }) }]);
}

export function sendRestError(
  reply: FastifyReply,
  status: number,
  errorCode: string,
  message: string,
  fields?: string[],
): FastifyReply {
  return reply
    .code(status)
    .type('application/json;charset=UTF-8')
    .send(restErrorBody(errorCode, message, fields));
}

/** A JSON reply: a string, a value to stringify, or pieces of JSON streamed one after another. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  reply.code(status).type('application/json;charset=UTF-8');
  if (body instanceof JsonPieces)
    return body.pieces.length === 1 ? reply.send(body.pieces[0]) : reply.send(Readable.from(body.pieces));
  return reply.send(typeof body === 'string' ? body : JSON.stringify(body));
}

/** JSON text in pieces, to stream rather than join. */
export class JsonPieces {
  constructor(readonly pieces: string[]) {}
}

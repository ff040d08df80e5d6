/**
 * POST /composite: up to 25 subrequests in one call that counts once against the API budget, at
 * most 5 of them query operations (query, queryAll, and their next pages). The connector sends
 * its long `WhatId IN (...)` queries this way: a 2,000-id IN list does not fit in the 16 KB a
 * request line and headers may take, but it fits in a composite body. Subrequests are replayed
 * through the same routes (auth included), marked internal so they are not counted again.
 * `@{referenceId.path}` references to earlier results are resolved in urls and string values.
 * allOrNone stops at the first failed subrequest (PROCESSING_HALTED) but does not roll back.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm
 */

import type { FastifyInstance } from 'fastify';
import { RequestError } from '../dml.js';
import { batchSizeFrom } from '../query-service.js';
import { SoqlError } from '../soql-engine.js';
import {
  apiVersion,
  JsonPieces,
  requestUser,
  restErrorBody,
  type SandboxState,
  SUPPORTED_VERSIONS,
  sendJson,
} from '../state.js';

const MAX_SUBREQUESTS = 25;
const MAX_QUERIES = 5;
const QUERY_URL = /^\/services\/data\/v[\d.]+\/(query|queryAll)(\/|\?|$)/;

interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

export function registerCompositeRoute(app: FastifyInstance, state: SandboxState): void {
  app.post('/services/data/:version/composite', { config: { api: 'rest' } }, async (request, reply) => {
    apiVersion(request);
    const body = request.body as { allOrNone?: unknown; compositeRequest?: unknown } | null;
    const subs = body?.compositeRequest;
    if (!Array.isArray(subs) || subs.length === 0) {
      throw new RequestError(400, 'JSON_PARSER_ERROR', 'compositeRequest must be a non-empty array');
    }
    if (subs.length > MAX_SUBREQUESTS) {
      throw new RequestError(
        400,
        'LIMIT_EXCEEDED',
        `Maximum size of request reached. Maximum size of request is ${MAX_SUBREQUESTS}.`,
      );
    }
    const requests = subs.map(checkSubrequest);
    if (requests.filter((s) => QUERY_URL.test(s.url)).length > MAX_QUERIES) {
      throw new RequestError(
        400,
        'LIMIT_EXCEEDED',
        `A composite request can contain at most ${MAX_QUERIES} query operations.`,
      );
    }
    const ids = new Set<string>();
    for (const s of requests) {
      if (ids.has(s.referenceId))
        throw new RequestError(400, 'INVALID_INPUT', `Duplicate referenceId: ${s.referenceId}`);
      ids.add(s.referenceId);
    }

    const allOrNone = body?.allOrNone === true;
    const results = new Map<string, { raw: string[]; parsed?: unknown }>();
    const parts: string[][] = [];
    let halted = false;
    for (const sub of requests) {
      if (halted) {
        parts.push(
          entry(400, sub.referenceId, [
            '[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}]',
          ]),
        );
        continue;
      }
      const url = resolveRefs(sub.url, results, true) as string;
      const direct =
        sub.method === 'GET' ? runQuery(state, requestUser(request), url, sub.httpHeaders) : null;
      if (direct !== null) {
        results.set(sub.referenceId, { raw: direct.body });
        parts.push(entry(direct.status, sub.referenceId, direct.body));
        if (allOrNone && direct.status >= 400) halted = true;
        continue;
      }
      const payload =
        sub.body === undefined ? undefined : JSON.stringify(resolveRefs(sub.body, results, false));
      const res = await app.inject({
        method: sub.method as 'GET',
        url,
        headers: {
          ...sub.httpHeaders,
          authorization: request.headers.authorization ?? '',
          'x-sandbox-internal': state.internalSecret,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { payload }),
      });
      const raw = [res.payload === '' ? 'null' : res.payload];
      results.set(sub.referenceId, { raw });
      parts.push(entry(res.statusCode, sub.referenceId, raw));
      if (allOrNone && res.statusCode >= 400) halted = true;
    }
    const pieces = ['{"compositeResponse":['];
    parts.forEach((part, i) => {
      if (i > 0) pieces.push(',');
      pieces.push(...part);
    });
    pieces.push(']}');
    return sendJson(reply, 200, new JsonPieces(pieces));
  });
}

const QUERY_PATH = /^\/services\/data\/v([\d.]+)\/(?:query|queryAll)(?:\/([^/?]+))?\/?(?:\?(.*))?$/;

/**
 * Query subrequests answered in process: the same QueryService the /query route uses, without
 * a second trip through the HTTP layer for megabytes of records. Null for anything else.
 */
function runQuery(
  state: SandboxState,
  userId: string,
  url: string,
  headers: Record<string, string> | undefined,
): { status: number; body: string[] } | null {
  const m = QUERY_PATH.exec(url);
  if (m === null) return null;
  const [, version, locator, search] = m;
  if (!SUPPORTED_VERSIONS.includes(version!)) return null;
  try {
    if (locator !== undefined) return { status: 200, body: state.queries.more(locator, version!) };
    const q = new URLSearchParams(search ?? '').get('q');
    if (q === null || q.trim() === '') return null;
    const options = Object.entries(headers ?? {}).find(
      ([k]) => k.toLowerCase() === 'sforce-query-options',
    )?.[1];
    return { status: 200, body: state.queries.run(q, userId, version!, batchSizeFrom(options)) };
  } catch (err) {
    if (err instanceof SoqlError) return { status: 400, body: [restErrorBody(err.errorCode, err.message)] };
    if (err instanceof RequestError)
      return { status: err.status, body: [restErrorBody(err.errorCode, err.message)] };
    throw err;
  }
}

function entry(status: number, referenceId: string, body: string[]): string[] {
  return [
    '{"body":',
    ...body,
    `,"httpHeaders":{},"httpStatusCode":${status},"referenceId":${JSON.stringify(referenceId)}}`,
  ];
}

function checkSubrequest(raw: unknown, i: number): Subrequest {
  const s = raw as Partial<Subrequest> | null;
  if (
    s === null ||
    typeof s !== 'object' ||
    typeof s.method !== 'string' ||
    typeof s.url !== 'string' ||
    typeof s.referenceId !== 'string'
  ) {
    throw new RequestError(
      400,
      'JSON_PARSER_ERROR',
      `compositeRequest[${i}] needs method, url and referenceId`,
    );
  }
  if (!['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(s.method.toUpperCase())) {
    throw new RequestError(
      400,
      'INVALID_INPUT',
      `compositeRequest[${i}]: method ${s.method} is not supported`,
    );
  }
  if (!s.url.startsWith('/services/data/')) {
    throw new RequestError(
      400,
      'INVALID_INPUT',
      `compositeRequest[${i}]: the url must start with /services/data/`,
    );
  }
  return { ...s, method: s.method.toUpperCase() } as Subrequest;
}

const REF = /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g;

function resolveRefs(
  value: unknown,
  results: Map<string, { raw: string[]; parsed?: unknown }>,
  inUrl: boolean,
): unknown {
  if (typeof value === 'string') {
    return value.replace(REF, (_m, ref: string, path: string) => {
      const result = results.get(ref);
      if (result === undefined)
        throw new RequestError(400, 'INVALID_REFERENCE', `Invalid reference specified: ${ref}`);
      result.parsed ??= JSON.parse(result.raw.join(''));
      let node: unknown = result.parsed;
      for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
        const key = step.startsWith('.') ? step.slice(1) : Number(step.slice(1, -1));
        node =
          node === null || typeof node !== 'object'
            ? undefined
            : (node as Record<string | number, unknown>)[key];
      }
      const text = node === undefined || node === null ? '' : String(node);
      return inUrl ? encodeURIComponent(text) : text;
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, results, inUrl));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, results, inUrl)]));
  }
  return value;
}

/**
 * The CRMs' public REST APIs called the way a rep's integration (or the CRM's own UI) would:
 * JSON over HTTP with a bearer token. The demo changes the sandboxes only through these, never
 * through their in-memory stores.
 */
import { PlayercoachError } from '../errors.js';

export type ApiCall = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

export function crmApi(baseUrl: string, accessToken: string, what: string): ApiCall {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new PlayercoachError(
        'CRM_REJECTED',
        `${what}: ${method} ${path} answered ${res.status}: ${text}`,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

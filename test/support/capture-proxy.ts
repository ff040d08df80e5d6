/**
 * A pass-through HTTP endpoint that keeps every body a CRM sandbox sends to a webhook before
 * forwarding it to the real server and relaying the answer, so a test can deliver the very same
 * notification again, or in another order, later.
 */

import { once } from 'node:events';
import { createServer } from 'node:http';

export interface CaptureProxy {
  url: string;
  readonly bodies: Buffer[];
  close(): Promise<void>;
}

/**
 * `sign`, when given, replaces the request's signature headers with ones for `target` (HubSpot
 * signs the URL it calls, which is this proxy's, not the server's).
 */
export async function startCaptureProxy(
  target: string,
  sign?: (body: Buffer) => Record<string, string>,
): Promise<CaptureProxy> {
  const bodies: Buffer[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    bodies.push(body);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection')
        headers[k] = v;
    }
    try {
      const answer = await fetch(target, {
        method: req.method ?? 'POST',
        headers: { ...headers, ...(sign ? sign(body) : {}) },
        body,
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    bodies,
    async close() {
      server.close();
      await once(server, 'close');
    },
  };
}

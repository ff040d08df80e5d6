/**
 * A private redis-server on a free port with the append-only file on, for tests that stop and
 * restart Redis under a running service (fsync on every write by default, so a SIGKILL loses
 * nothing acknowledged) and for benchmarks (fsync every second, as docker-compose.yml runs it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface PrivateRedis {
  url: string;
  /** The server's process id while it runs. */
  pid(): number | undefined;
  /** Kills the server with SIGKILL (no chance to save anything beyond the AOF). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Kills it and removes its data directory. */
  destroy(): Promise<void>;
}

export async function startPrivateRedis(
  options: { appendfsync?: 'always' | 'everysec' } = {},
): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'pc-redis-'));
  let proc: ChildProcess | null = null;

  async function start(): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    args.push('--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'always');
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    proc = child;
    // redis-server says so on stdout once it accepts connections.
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited with ${code}: ${seen.slice(-500)}`)),
      );
    });
  }

  async function kill(): Promise<void> {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    proc = null;
    const exited = once(p, 'exit');
    p.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: () => proc?.pid,
    kill,
    start,
    async destroy() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The service as an operator runs it: `playercoach serve` and `playercoach worker` as child
 * processes of this one, with the environment the demo built, their logs in files of a temp
 * directory rather than on the demo's output. Stopping sends SIGTERM (each exits 0 after a clean
 * shutdown) and SIGKILL only to one that does not stop within a few seconds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlayercoachError } from '../errors.js';

const BIN = new URL('../../bin/playercoach.js', import.meta.url).pathname;
/** Compiling the TypeScript on a busy 2-core machine can take this long. */
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

export interface ServiceProcesses {
  serverUrl: string;
  stop(): Promise<void>;
}

interface Child {
  name: string;
  process: ChildProcess;
  logFile: string;
}

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Child {
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once('close', () => log.end());
  return { name, process: child, logFile };
}

function exited(c: Child): boolean {
  return c.process.exitCode !== null || c.process.signalCode !== null;
}

function failedToStart(c: Child, why: string): PlayercoachError {
  let tail = '';
  try {
    tail = readFileSync(c.logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    tail = '(no log)';
  }
  return new PlayercoachError('INTERNAL', `playercoach ${c.name} ${why}; the end of ${c.logFile}:\n${tail}`);
}

/** Resolves once `ready()` holds; fails if the child exits first or the time runs out. */
async function waitFor(c: Child, ready: () => Promise<boolean>, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited(c)) throw failedToStart(c, `exited with code ${c.process.exitCode}`);
    if (await ready()) return;
    signal.throwIfAborted();
    if (Date.now() > deadline) throw failedToStart(c, `did not start within ${START_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopChild(c: Child): Promise<void> {
  if (exited(c)) return;
  const closed = once(c.process, 'close');
  c.process.kill('SIGTERM');
  const timer = setTimeout(() => c.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await closed;
  clearTimeout(timer);
}

export async function startServices(
  env: NodeJS.ProcessEnv & { PORT: string },
  logDir: string,
  signal: AbortSignal,
): Promise<ServiceProcesses> {
  const serverUrl = `http://127.0.0.1:${env.PORT}`;
  const children = [
    startChild('server', ['serve'], env, logDir),
    startChild('worker', ['worker'], env, logDir),
  ];
  const [server, worker] = children as [Child, Child];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
  };
  let workerStarted = false;
  let tail = '';
  worker.process.stdout?.on('data', (chunk: Buffer) => {
    // The line may arrive in two chunks: keep the end of the previous one.
    tail = (tail + chunk.toString()).slice(-4096);
    if (tail.includes('"msg":"worker started"')) workerStarted = true;
  });
  try {
    await Promise.all([
      waitFor(
        server,
        () =>
          fetch(`${serverUrl}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        signal,
      ),
      waitFor(worker, async () => workerStarted, signal),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { serverUrl, stop };
}

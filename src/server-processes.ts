/**
 * `playercoach serve` on more than one core. One Node process acknowledges webhooks on one core;
 * SERVER_PROCESSES > 1 forks that many server processes (node:cluster) sharing the listening port,
 * so one host takes what one process cannot. The server is stateless (everything lives in Redis),
 * so the processes need no coordination beyond two things done here:
 * - shutdown: the primary passes SIGTERM/SIGINT on and exits once every process has closed;
 * - metrics: GET /metrics, answered by whichever process the connection reached, asks the primary
 *   to gather every process's registry (prom-client's AggregatorRegistry), so counters are the
 *   host's, not one process's.
 * A process that dies is replaced; one that dies within seconds of starting (a port in use, a
 * broken environment) stops the whole server instead of restarting forever.
 */
import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { startServer } from './server.js';

const METRICS_REQUEST = 'playercoach:metrics-request';
const METRICS_RESPONSE = 'playercoach:metrics-response';
/** A process that exits sooner than this after starting was not going to work. */
const EARLY_EXIT_MS = 10_000;

interface MetricsMessage {
  type: string;
  id: number;
  text?: string;
  error?: string;
}

/**
 * Runs the server until `stop` resolves (a signal), in this process or, with SERVER_PROCESSES > 1,
 * in that many forked ones. Resolves with the exit code.
 */
export async function runServe(
  config: Config,
  stop: Promise<NodeJS.Signals>,
  options: { logger?: Logger } = {},
): Promise<number> {
  if (config.SERVER_PROCESSES <= 1 || cluster.isWorker) {
    const server = await startServer(config, {
      ...(options.logger ? { logger: options.logger } : {}),
      ...(cluster.isWorker ? { clusterMetrics: requestClusterMetrics } : {}),
    });
    if (cluster.isWorker) {
      AggregatorRegistry.setRegistries([server.deps.metrics.registry]);
      // prom-client answers the primary's requests only once an AggregatorRegistry exists here too.
      new AggregatorRegistry();
    }
    const signal = await stop;
    server.deps.logger.info({ signal }, 'shutting down');
    await server.close();
    // The IPC channel would keep a forked process alive after everything else closed.
    cluster.worker?.disconnect();
    return 0;
  }
  return supervise(config, stop, options.logger);
}

async function supervise(config: Config, stop: Promise<NodeJS.Signals>, logger?: Logger): Promise<number> {
  const log = (fields: Record<string, unknown>, msg: string) =>
    logger ? logger.info(fields, msg) : process.stdout.write(`${JSON.stringify({ ...fields, msg })}\n`);
  const aggregator = new AggregatorRegistry();
  const started = new Map<Worker, number>();
  let stopping = false;
  let failure: string | undefined;
  let failed: (() => void) | undefined;
  const failedEarly = new Promise<void>((resolve) => {
    failed = resolve;
  });

  const fork = () => started.set(cluster.fork(), Date.now());
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_RESPONSE, id: message.id, text }),
      (err: Error) => worker.send({ type: METRICS_RESPONSE, id: message.id, error: err.message }),
    );
  });
  cluster.on('exit', (worker, code, signal) => {
    const since = started.get(worker) ?? 0;
    started.delete(worker);
    if (stopping) return;
    if (Date.now() - since < EARLY_EXIT_MS) {
      failure = `server process ${worker.process.pid} exited ${signal ?? `with code ${code}`} right after starting`;
      failed?.();
      return;
    }
    log({ pid: worker.process.pid, code, signal }, 'server process died; starting another');
    fork();
  });

  for (let i = 0; i < config.SERVER_PROCESSES; i++) fork();
  log({ processes: config.SERVER_PROCESSES }, 'server processes started');

  const signal = await Promise.race([stop, failedEarly.then(() => null)]);
  stopping = true;
  const workers = [...started.keys()];
  const exits = workers.map((w) => (w.isDead() ? Promise.resolve() : once(w, 'exit').then(() => undefined)));
  for (const w of workers) if (!w.isDead()) w.process.kill('SIGTERM');
  await Promise.all(exits);
  if (signal === null) {
    process.stderr.write(`error: ${failure}\n`);
    return 1;
  }
  log({ signal }, 'server processes closed');
  return 0;
}

let nextRequest = 0;

/** In a forked server process: the whole host's metrics, gathered by the primary. */
function requestClusterMetrics(): Promise<string> {
  const id = ++nextRequest;
  return new Promise((resolve, reject) => {
    const onMessage = (message: MetricsMessage) => {
      if (message?.type !== METRICS_RESPONSE || message.id !== id) return;
      process.off('message', onMessage);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.text ?? '');
    };
    process.on('message', onMessage);
    process.send?.({ type: METRICS_REQUEST, id });
  });
}

/**
 * The one module that listens. Builds the deps from the config (one Redis connection that fails
 * fast, the queues, the tenant store, the metrics), builds the app, listens; `close` stops taking
 * requests, lets the ones in flight finish, then closes the queues and quits Redis.
 */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Config } from './config.js';
import { type AppDeps, buildApp } from './http/app.js';
import { createAppDeps } from './http/deps.js';
import { createLogger, type Logger } from './logger.js';

export interface RunningServer {
  app: FastifyInstance;
  deps: AppDeps;
  /** e.g. http://127.0.0.1:3000 */
  address: string;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  options: {
    logger?: Logger;
    now?: () => number;
    /** In a forked server process: the metrics of every process, gathered by the primary. */
    clusterMetrics?: () => Promise<string>;
  } = {},
): Promise<RunningServer> {
  // Lines are buffered (up to 8 KB or one second) and written asynchronously: one write per
  // request was a measurable share of the webhook path's CPU. Flushed on close.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8 * 1024 });
  const flushTimer = setInterval(() => destination.flush(), 1000).unref();
  const logger =
    options.logger ??
    createLogger({ level: config.LOG_LEVEL, pretty: Boolean(process.stdout.isTTY), destination });
  const deps = createAppDeps(config, {
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.clusterMetrics ? { clusterMetrics: options.clusterMetrics } : {}),
  });
  const { redis, queues } = deps;
  // ioredis reconnects by itself; without a listener it would print every failed attempt to stderr.
  redis.on('error', (err: Error) =>
    logger.warn({ error: { type: err.name, message: err.message } }, 'redis error'),
  );
  redis.on('ready', () => logger.info('redis ready'));
  const app = await buildApp(deps);
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ address }, 'listening');

  let closing: Promise<void> | undefined;
  return {
    app,
    deps,
    address,
    close() {
      closing ??= (async () => {
        await app.close();
        await queues.close();
        await redis.quit().catch(() => redis.disconnect());
        logger.info('server closed');
        clearInterval(flushTimer);
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
      })();
      return closing;
    },
  };
}

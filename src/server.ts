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
  options: { logger?: Logger; now?: () => number } = {},
): Promise<RunningServer> {
  // Lines are written asynchronously: under load, those logged while a write is in flight go out
  // together in the next one instead of one write per line. Flushed on close.
  const logger =
    options.logger ??
    createLogger({
      level: config.LOG_LEVEL,
      pretty: Boolean(process.stdout.isTTY),
      destination: pino.destination({ dest: 1, sync: false }),
    });
  const deps = createAppDeps(config, { logger, ...(options.now ? { now: options.now } : {}) });
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
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
      })();
      return closing;
    },
  };
}

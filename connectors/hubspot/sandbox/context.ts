/** What every route module of the sandbox is handed. */
import type { FastifyInstance } from 'fastify';
import type { Limits } from './limits.js';
import type { PortalStore } from './portal-store.js';
import type { Switches } from './switches.js';
import type { TokenStore } from './tokens.js';

export interface SandboxApp {
  clientId: string;
  clientSecret: string;
  appId: number;
}

export interface SandboxContext {
  store: PortalStore;
  limits: Limits;
  tokens: TokenStore;
  switches: () => Switches;
  app: SandboxApp;
}

export type RouteModule = (app: FastifyInstance, ctx: SandboxContext) => void;

/** Every CLI command module, in the order `--help` lists them. */
import type { CommandModule } from '../program.js';
import * as attainment from './attainment.js';
import * as backfill from './backfill.js';
import * as compute from './compute.js';
import { demoCommand } from './demo.js';
import * as explain from './explain.js';
import * as generate from './generate.js';
import * as install from './install.js';
import { sandboxCommand } from './sandbox.js';
import { serveCommand } from './serve.js';
import * as snapshot from './snapshot.js';
import * as tenant from './tenant.js';
import { workerCommand } from './worker.js';

export const commandModules: CommandModule[] = [generate, compute, serveCommand, workerCommand];
// The tenant-facing commands (tenant, install, explain, attainment, snapshot).
commandModules.push(tenant, install, explain, attainment, snapshot);
commandModules.push(backfill);
// Trying it out: the sandbox CRMs and the demo.
commandModules.push(sandboxCommand, demoCommand);

/** Every CLI command module, in the order `--help` lists them. */
import type { CommandModule } from '../program.js';

export const commandModules: CommandModule[] = [];

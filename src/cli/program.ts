/**
 * Builds the `playercoach` command tree. Each command lives in its own module under
 * `commands/` and adds itself with `register(program)`; `main.ts` runs the program and turns
 * errors into exit codes.
 */
import { Command } from 'commander';

export type CommandModule = { register(program: Command): void };

export function buildProgram(modules: readonly CommandModule[]): Command {
  const program = new Command('playercoach')
    .description(
      'Direct quota credit for sales managers: reads closed-won deals and who attended their calls ' +
        'and meetings from Salesforce or HubSpot, credits the managers who took part, and writes ' +
        'credit and quota attainment back into the CRM.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    // Set before the commands are added: a subcommand copies this setting when it is created,
    // and without it a bad flag on a subcommand exits with commander's code 1 instead of 2.
    .exitOverride();
  for (const m of modules) m.register(program);
  return program;
}

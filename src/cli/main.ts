/**
 * Entry point of the `playercoach` CLI. Bad input (a bad flag, an invalid file) exits with code 2
 * and one clear message per problem; anything else that fails exits with code 1. No stack traces
 * unless PLAYERCOACH_DEBUG is set.
 */
import { CommanderError } from 'commander';
import { isPlayercoachError } from '../errors.js';
import { commandModules } from './commands/index.js';
import { buildProgram } from './program.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram(commandModules);
  // Subcommands copy the exit handler only when they are created, which was before this point:
  // without setting it on each, a bad flag of a subcommand would exit 1 instead of 2.
  for (const command of [program, ...program.commands]) command.exitOverride();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end in a CommanderError too; they are not failures.
      if (err.exitCode === 0) return EXIT_OK;
      return EXIT_BAD_INPUT;
    }
    if (isPlayercoachError(err)) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.code === 'INVALID_INPUT' ? EXIT_BAD_INPUT : EXIT_FAILURE;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message}\n`);
    if (process.env.PLAYERCOACH_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT_FAILURE;
  }
}

process.exitCode = await runCli(process.argv.slice(2));

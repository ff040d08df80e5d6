/**
 * `playercoach compute --snapshot F [--policy P] [--out F]`: runs the crediting engine on an org
 * snapshot file and prints the decisions and attainment as JSON (DESIGN.md "Crediting rules").
 * Invalid input is refused before anything is written.
 */
import type { Command } from 'commander';
import { compute } from '../../domain/engine.js';
import { DEFAULT_POLICY, parsePolicy } from '../../domain/policy.js';
import { parseSnapshot } from '../../domain/snapshot.js';
import { parseFile, readJsonFile, writeFileAtomically, writeToStdout } from '../files.js';
import { prettyJsonOfArrays } from '../json-output.js';

interface ComputeOptions {
  snapshot: string;
  policy?: string;
  out?: string;
}

export async function runCompute(options: ComputeOptions): Promise<void> {
  const snapshot = parseFile(
    options.snapshot,
    await readJsonFile(options.snapshot, 'snapshot'),
    parseSnapshot,
  );
  const policy =
    options.policy === undefined
      ? DEFAULT_POLICY
      : parseFile(options.policy, await readJsonFile(options.policy, 'policy'), parsePolicy);
  const result = compute(snapshot, policy);
  const chunks = (function* () {
    yield* prettyJsonOfArrays({ decisions: result.decisions, attainment: result.attainment });
    yield '\n';
  })();
  if (options.out === undefined) await writeToStdout(chunks);
  else await writeFileAtomically(options.out, chunks);
}

export function register(program: Command): void {
  program
    .command('compute')
    .summary('credit managers for the deals they helped close, from an org snapshot file')
    .description(
      'Reads an org snapshot (JSON, version 1) and an optional policy, decides which managers took part ' +
        'in which closed-won deals, and prints the credit decisions and each manager-period attainment as ' +
        'JSON, sorted by id. Invalid input is reported with the record and field at fault, exit code 2, ' +
        'and nothing written.',
    )
    .requiredOption('--snapshot <file>', 'the org snapshot JSON file')
    .option('--policy <file>', 'a policy JSON file; fields it leaves out take the defaults')
    .option('--out <file>', 'write the result to this file instead of stdout (only when the run succeeds)')
    .addHelpText(
      'after',
      '\nExample:\n  playercoach compute --snapshot examples/acme-org.json --policy examples/policy.json\n',
    )
    .action(async (options: ComputeOptions) => {
      await runCompute(options);
    });
}

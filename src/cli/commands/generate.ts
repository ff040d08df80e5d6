/**
 * `playercoach generate --deals N [--seed S] [--as-of D] [--out F]`: writes a synthetic org
 * snapshot (src/generator) as JSON, to stdout or to a file. With --out the file appears only
 * once it is complete (written beside it, then renamed), so a failure leaves nothing half-written.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { GENERATE_DEFAULTS, generateOrg } from '../../generator/generate-org.js';
import { writeSnapshot } from '../../generator/write-snapshot.js';

/** From this size on, a terminal gets a progress bar while the file is written. */
const PROGRESS_FROM_DEALS = 50_000;

interface GenerateFlags {
  deals: string;
  seed?: string;
  asOf?: string;
  activitiesPerDeal?: string;
  out?: string;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('Write a realistic synthetic org snapshot (deterministic for a seed) as JSON.')
    .requiredOption('--deals <n>', 'number of deals (a positive whole number)')
    .option('--seed <s>', 'random seed, a whole number from 0 to 4294967295', String(GENERATE_DEFAULTS.seed))
    .option('--as-of <date>', 'the day the snapshot is taken, YYYY-MM-DD', GENERATE_DEFAULTS.asOf)
    .option(
      '--activities-per-deal <m>',
      'mean number of meetings and calls per deal',
      String(GENERATE_DEFAULTS.activitiesPerDeal),
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (flags: GenerateFlags) => {
      await runGenerate(flags);
    });
}

async function runGenerate(flags: GenerateFlags): Promise<void> {
  const problems: string[] = [];
  const deals = wholeNumber(flags.deals, '--deals', problems);
  const seed = wholeNumber(flags.seed ?? String(GENERATE_DEFAULTS.seed), '--seed', problems, true);
  const activitiesPerDeal = Number(flags.activitiesPerDeal);
  if (flags.activitiesPerDeal !== undefined && !/^\d+(\.\d+)?$/.test(flags.activitiesPerDeal)) {
    problems.push(`--activities-per-deal: must be a number such as 5, not "${flags.activitiesPerDeal}"`);
  }
  if (problems.length > 0) throw new InputError(problems);
  const progress = flags.out !== undefined && process.stderr.isTTY && deals >= PROGRESS_FROM_DEALS;
  if (progress) process.stderr.write(`generating ${deals} deals (seed ${seed})...\n`);
  let snapshot: ReturnType<typeof generateOrg>;
  try {
    snapshot = generateOrg({ deals, seed, asOf: flags.asOf, activitiesPerDeal });
  } catch (err) {
    // Name the flags the way the user typed them.
    if (err instanceof InputError) throw new InputError(err.issues.map(flagName));
    throw err;
  }

  if (flags.out === undefined) {
    try {
      await writeSnapshot(snapshot, process.stdout);
    } catch (err) {
      // The reader went away (`generate ... | head`): it has what it wanted.
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
    }
    return;
  }
  const target = flags.out;
  const partial = `${target}.${process.pid}.partial`;
  const bar = progress
    ? new cliProgress.SingleBar(
        {
          format: `writing ${target} [{bar}] {percentage}% {value}/{total} records`,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const stream = createWriteStream(partial);
  try {
    bar?.start(1, 0);
    await writeSnapshot(snapshot, stream, (written, total) => {
      bar?.setTotal(total);
      bar?.update(written);
    });
    stream.end();
    await finished(stream);
    await rename(partial, target);
  } catch (err) {
    stream.destroy();
    await rm(partial, { force: true });
    throw err;
  } finally {
    bar?.stop();
  }
}

function wholeNumber(value: string, flag: string, problems: string[], zeroAllowed = false): number {
  if (!/^\d+$/.test(value) || (!zeroAllowed && /^0+$/.test(value))) {
    problems.push(
      `${flag}: must be a ${zeroAllowed ? 'whole number' : 'positive whole number'}, not "${value}"`,
    );
    return Number.NaN;
  }
  return Number(value);
}

function flagName(issue: string): string {
  return issue
    .replace(/^deals:/, '--deals:')
    .replace(/^seed:/, '--seed:')
    .replace(/^asOf:/, '--as-of:')
    .replace(/^activitiesPerDeal:/, '--activities-per-deal:');
}

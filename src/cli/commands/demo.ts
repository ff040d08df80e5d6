/**
 * `playercoach demo [--deals N] [--seed S]` (`npm run demo`): the whole service end to end
 * against sandbox CRMs on the local Redis (REDIS_URL), in well under a minute; see src/demo/demo.ts.
 * Ctrl-C stops it and still cleans up.
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import type { CommandModule } from '../program.js';

interface DemoFlags {
  deals: string;
  seed: string;
}

export const demoCommand: CommandModule = {
  register(program: Command) {
    program
      .command('demo')
      .description(
        'Run playercoach end to end against sandbox CRMs: server, worker, install, backfill, a deal ' +
          'closed by a rep, the webhook, and the managers\u2019 attainment before and after. Needs Redis (REDIS_URL).',
      )
      .option('--deals <n>', 'deals in the generated org', '300')
      .option('--seed <s>', 'random seed of the generated org', '1')
      .action(async (flags: DemoFlags) => {
        const problems: string[] = [];
        const deals = Number(flags.deals);
        const seed = Number(flags.seed);
        if (!/^\d+$/.test(flags.deals) || deals < 20 || deals > 20_000) {
          problems.push(`--deals: must be a whole number from 20 to 20000, not "${flags.deals}"`);
        }
        if (!/^\d+$/.test(flags.seed) || seed > 4_294_967_295) {
          problems.push(`--seed: must be a whole number from 0 to 4294967295, not "${flags.seed}"`);
        }
        if (problems.length > 0) throw new InputError(problems);
        const controller = new AbortController();
        const abort = () => controller.abort(new Error('interrupted'));
        process.once('SIGINT', abort);
        process.once('SIGTERM', abort);
        try {
          // Loaded here: the other commands need not compile the demo and both sandboxes.
          const { runDemo } = await import('../../demo/demo.js');
          await runDemo({
            deals,
            seed,
            env: process.env,
            stdout: process.stdout,
            tty: process.stdout.isTTY === true,
            signal: controller.signal,
          });
        } finally {
          process.off('SIGINT', abort);
          process.off('SIGTERM', abort);
        }
      });
  },
};

/**
 * What each ledger entry contributes to attainment rows (the engine's RowContribution), kept
 * beside the entry as a short JSON array: rebuilding a row reads about 110 bytes a deal instead of
 * parsing the whole evaluation with its evidence and reasons (about 630). The end of a backfill
 * rebuilds every row it touched, which at 100k deals took 1.4 s of parsing on its own.
 *
 * An entry written before contributions were kept has none; `readContributions` (ledger.ts) reads
 * its evaluation instead, so a ledger from an earlier version rebuilds the same rows.
 */
import type { RowContribution } from '../domain/attainment.js';

type Encoded = [period: string, won: 0 | 1, amount: string, teamManagerId: string | null, decisions: Flat];
/** Per decision: managerId, credited (0 or 1), amount. */
type Flat = (string | number | null)[];

export function contributionJson(ev: RowContribution): string {
  const flat: Flat = [];
  for (const d of ev.decisions) flat.push(d.managerId, d.credited ? 1 : 0, d.amount);
  const encoded: Encoded = [ev.period, ev.won ? 1 : 0, ev.amount, ev.teamManagerId, flat];
  return JSON.stringify(encoded);
}

export function parseContribution(json: string): RowContribution {
  const [period, won, amount, teamManagerId, flat] = JSON.parse(json) as Encoded;
  const decisions: RowContribution['decisions'][number][] = [];
  for (let i = 0; i < flat.length; i += 3) {
    decisions.push({
      managerId: flat[i] as string | null,
      credited: flat[i + 1] === 1,
      amount: flat[i + 2] as string,
    });
  }
  return { period, won: won === 1, amount, teamManagerId, decisions };
}

/**
 * Deals (Salesforce opportunities): each owned by a rep while employed, mostly in an account of
 * the rep's book and in that account's currency, closing over the range with the end-of-quarter
 * rush, about 72% won and the rest lost, log-normal amounts, and splits on about one deal in ten.
 */
import type { Deal, Split } from '../domain/snapshot.js';
import type { Accounts } from './accounts.js';
import type { Calendar } from './calendar.js';
import { CURRENCIES } from './currencies.js';
import { flatString } from './flat-string.js';
import type { Hierarchy } from './hierarchy.js';
import { ID_PREFIX, salesforceId } from './ids.js';
import { DEAL_KINDS } from './names.js';
import type { Rng } from './random.js';
import type { Rates } from './rates.js';

export const WON_SHARE = 0.72;
export const SPLIT_SHARE = 0.1;
const MEDIAN_USD = 18_000;
const SIGMA = 0.9;
const TWO_WAY = [
  ['50', '50'],
  ['60', '40'],
  ['70', '30'],
  ['75', '25'],
  ['80', '20'],
  ['90', '10'],
];
const THREE_WAY = [
  ['34', '33', '33'],
  ['40', '30', '30'],
  ['50', '25', '25'],
  ['60', '20', '20'],
  ['33.34', '33.33', '33.33'],
];
const NO_SPLITS: Split[] = Object.freeze([]) as unknown as Split[];
const PERCENTS = [...new Set([...TWO_WAY, ...THREE_WAY].flat())];
const PERCENT_INDEX = new Map(PERCENTS.map((p, i) => [p, i]));
/** " - Renewal" and the like, made once so each deal name is one join rather than two. */
const NAME_ENDINGS = DEAL_KINDS.map((kind) => ` - ${kind}`);
const NAME_ENDING_INDEXES = NAME_ENDINGS.map((_, i) => i);

/** What the activity and quota steps need to know about the deal just drawn. */
export interface DealFacts {
  owner: number;
  account: number;
  closeIdx: number;
  /** The owner's manager and that manager's manager on the close date, -1 for none. */
  manager: number;
  director: number;
}

export class DealDrawer {
  readonly facts: DealFacts = { owner: 0, account: 0, closeIdx: 0, manager: -1, director: -1 };
  /** Won amount in USD by (user, quarter) for the owner's manager and director, to size quotas. */
  readonly teamWon: Float64Array;
  private readonly ownerWeights: Float64Array;
  private readonly roundAmounts = new Map<number, string>();
  /** One flat name per (account, deal kind): joined per deal, a million names were a million ropes. */
  private readonly names: (string | undefined)[] = [];
  /**
   * Split records by (user, percent): a rep's 60% share looks the same on every deal, and there
   * are about a quarter of a million of them at a million deals. Frozen, as they are shared.
   */
  private readonly splits: (Split | undefined)[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly calendar: Calendar,
    private readonly org: Hierarchy,
    private readonly accounts: Accounts,
    private readonly rates: Rates,
  ) {
    let sum = 0;
    this.ownerWeights = new Float64Array(org.reps.length);
    org.reps.forEach((r, i) => {
      sum += (0.5 + rng.float()) * (org.activeTo[r]! - org.activeFrom[r]! + 1);
      this.ownerWeights[i] = sum;
    });
    this.teamWon = new Float64Array(org.users.length * calendar.quarters.length);
  }

  draw(n: number): Deal {
    const { rng, calendar, org, accounts, facts } = this;
    const repPos = rng.weighted(this.ownerWeights);
    const owner = org.reps[repPos]!;
    const from = org.activeFrom[owner]!;
    const to = org.activeTo[owner]!;
    let closeIdx = rng.int(from, to);
    let quarter = calendar.quarterOfDay[closeIdx]!;
    if (quarter < calendar.quarters.length - 1 && rng.chance(0.3)) {
      // The end-of-quarter rush.
      const q = calendar.quarters[quarter]!;
      closeIdx = Math.max(from, q.startIdx, Math.min(to, q.endIdx - rng.int(0, 13)));
      quarter = calendar.quarterOfDay[closeIdx]!;
    }

    const book = accounts.book[repPos]!;
    const account = book.length > 0 && rng.chance(0.8) ? rng.pick(book) : rng.int(0, accounts.count - 1);
    const currency = rng.chance(0.9) ? accounts.currency[account]! : 0;
    const usd = Math.min(1_500_000, Math.max(500, MEDIAN_USD * Math.exp(SIGMA * rng.normal())));
    const local = usd * this.rates.approx[currency]![quarter]!;
    const style = rng.float();
    const step = style < 0.5 ? 10_000 : style < 0.7 ? 100_000 : 1;
    const cents = Math.max(step, Math.round((local * 100) / step) * step);
    const won = rng.chance(WON_SHARE);

    const manager = org.managerOn(owner, closeIdx);
    const director = manager < 0 ? -1 : org.managerOn(manager, closeIdx);
    if (won) {
      const quarters = calendar.quarters.length;
      if (manager >= 0) this.teamWon[manager * quarters + quarter]! += usd;
      if (director >= 0) this.teamWon[director * quarters + quarter]! += usd;
    }
    facts.owner = owner;
    facts.account = account;
    facts.closeIdx = closeIdx;
    facts.manager = manager;
    facts.director = director;

    return {
      id: salesforceId(ID_PREFIX.opportunity, n + 1),
      name: this.dealName(account, rng.pick(NAME_ENDING_INDEXES)),
      ownerId: org.users[owner]!.id,
      accountId: accounts.ids[account]!,
      amount: this.amountString(cents),
      currency: CURRENCIES[currency]!,
      closeDate: calendar.days[closeIdx]!,
      won,
      splits: rng.chance(SPLIT_SHARE) ? this.drawSplits(owner, manager, closeIdx) : NO_SPLITS,
    };
  }

  private dealName(account: number, ending: number): string {
    const key = account * NAME_ENDINGS.length + ending;
    let name = this.names[key];
    if (name === undefined) {
      name = flatString(this.accounts.names[account]! + NAME_ENDINGS[ending]!);
      this.names[key] = name;
    }
    return name;
  }

  /** Half the amounts are whole hundreds and repeat a lot: those share one string each. */
  private amountString(cents: number): string {
    if (cents % 10_000 !== 0) return formatCents(cents);
    let text = this.roundAmounts.get(cents);
    if (text === undefined) {
      text = formatCents(cents);
      this.roundAmounts.set(cents, text);
    }
    return text;
  }

  /**
   * Two or three split owners employed on the close date, the deal owner first; mostly from the
   * owner's team, sometimes from another.
   */
  private drawSplits(owner: number, manager: number, closeIdx: number): Split[] {
    const { rng, org } = this;
    const percents = rng.chance(0.75) ? rng.pick(TWO_WAY) : rng.pick(THREE_WAY);
    const chosen = [owner];
    const team = org.teams.get(manager) ?? [];
    for (let tries = 0; chosen.length < percents.length && tries < 20; tries++) {
      const other = team.length > 1 && rng.chance(0.7) ? rng.pick(team) : rng.pick(org.reps);
      if (!chosen.includes(other) && org.employedOn(other, closeIdx)) chosen.push(other);
    }
    if (chosen.length < percents.length) return NO_SPLITS;
    return chosen.map((u, i) => this.split(u, percents[i]!));
  }

  private split(user: number, percent: string): Split {
    const key = user * PERCENTS.length + PERCENT_INDEX.get(percent)!;
    let split = this.splits[key];
    if (split === undefined) {
      split = Object.freeze({ userId: this.org.users[user]!.id, percent });
      this.splits[key] = split;
    }
    return split;
  }
}

/** Integer cents as a decimal string with 2 decimals, without going through a float. */
export function formatCents(cents: number): string {
  const units = Math.floor(cents / 100);
  const rest = cents - units * 100;
  return `${units}.${rest < 10 ? '0' : ''}${rest}`;
}

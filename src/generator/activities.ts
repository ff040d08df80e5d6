/**
 * Meetings and calls around each deal, shaped so both CRMs can hold them:
 * - a meeting has a 15-minute `start` (business hours in the tenant's zone, a few in the evening,
 *   which west of UTC is the next UTC date), one organizer, internal attendees and external
 *   contacts; about 5% are canceled;
 * - a call has exactly one internal participant (its organizer) and one external contact; half
 *   are date-only, as Salesforce call tasks are.
 * Activities fall mostly in the 90 days before close, some 91-120 days before and some after, so
 * the crediting window matters. The owner's manager joins about a third of deals, the director a
 * few (skip-level). About 3% are linked only to the account.
 *
 * Memory: at a million deals this makes about five million records, so everything repeated is
 * shared rather than copied: participant objects per (person, role, status), participants arrays
 * by content (a deal's meetings and calls of one variant share one, and so do deals of one account
 * whose owner meets the same buyers with the same replies: about a quarter of all such arrays), one
 * `dealIds` array per deal, and the date and instant strings from the calendar. Shared objects and
 * arrays are frozen, so a consumer that tries to change one fails loudly instead of changing many
 * records at once.
 */

import type { ChunkedList } from '../domain/chunked-list.js';
import {
  type Activity,
  PARTICIPANT_STATUSES,
  type Participant,
  type ParticipantStatus,
} from '../domain/snapshot.js';
import type { Accounts } from './accounts.js';
import { BUSINESS_SLOTS, type Calendar, EVENING_SLOTS } from './calendar.js';
import type { DealFacts } from './deals.js';
import type { Hierarchy } from './hierarchy.js';
import { ID_PREFIX, salesforceId } from './ids.js';
import { cumulative, type Rng } from './random.js';

export const MEETING_SHARE = 0.6;
export const ACCOUNT_ONLY_SHARE = 0.03;
export const CANCELED_SHARE = 0.05;
export const MANAGER_JOINS_SHARE = 1 / 3;
export const DIRECTOR_JOINS_SHARE = 0.06;

const STATUSES = PARTICIPANT_STATUSES;
const ACCEPTED = STATUSES.indexOf('accepted');
const ATTENDED = STATUSES.indexOf('attended');
const NO_SHOW = STATUSES.indexOf('noShow');
/** Reply weights in the order of STATUSES. */
const replies = (weights: Partial<Record<ParticipantStatus, number>>) =>
  cumulative(STATUSES.map((s) => weights[s] ?? 0));
const INTERNAL_REPLIES = replies({ accepted: 82, declined: 7, tentative: 5, needsAction: 6 });
/** External attendees reply the same way, and a few do not show up. */
const EXTERNAL_REPLIES = replies({ accepted: 78, declined: 7, tentative: 6, needsAction: 6, noShow: 3 });
/** Mixture weights of a deal's activity count, so some deals have none and some many. */
const INTENSITY = [0.3, 1, 1.7];

const ORGANIZER = 0;
const ATTENDEE = 1;

/** Which people take part in one of a deal's meetings or calls. */
const Variant = {
  Meeting: 0,
  MeetingWithManager: 1,
  MeetingWithDirector: 2,
  InternalMeeting: 3,
  PeerMeeting: 4,
  Call: 5,
  UnansweredCall: 6,
  ManagerCall: 7,
} as const;
type Variant = (typeof Variant)[keyof typeof Variant];
const VARIANT_COUNT = 8;
/** 2^23 slots (32 MB) hold the distinct arrays of about two million deals. */
const INTERN_TABLE_MAX_BITS = 23;

export class ActivityDrawer {
  private meetings = 0;
  private calls = 0;
  /**
   * Participant objects by code: (user * 2 + role) * STATUSES.length + status for users, then
   * contactBase + contact * STATUSES.length + status for contacts.
   */
  private readonly participants: (Participant | undefined)[];
  private readonly contactBase: number;
  private readonly variants: (Participant[] | undefined)[] = new Array(VARIANT_COUNT);
  /** The codes of the participants array being built, codes[0..codeCount). */
  private readonly codes: number[] = [];
  private codeCount = 0;
  /**
   * Participants arrays by content: an open-addressing hash table of 1 + the index in `out` of
   * the first activity that holds the array (0 = empty slot). An index rather than the array
   * itself, so the table is a flat typed array and not a million more references to trace.
   */
  private readonly interned: Int32Array;
  private internedCount = 0;
  private readonly committee: number[] = [];
  private readonly noDeal: string[] = Object.freeze([]) as unknown as string[];

  constructor(
    private readonly rng: Rng,
    private readonly calendar: Calendar,
    private readonly org: Hierarchy,
    private readonly accounts: Accounts,
    private readonly perDeal: number,
    private readonly out: ChunkedList<Activity>,
    deals: number,
  ) {
    this.contactBase = org.users.length * 2 * STATUSES.length;
    this.participants = new Array(this.contactBase + accounts.contactIds.length * STATUSES.length);
    // About 1.7 distinct arrays per deal at 5 activities a deal, at most VARIANT_COUNT: room for
    // 4 per deal keeps probes short; the table stops taking new arrays once 70% full.
    this.interned = new Int32Array(
      2 ** Math.min(INTERN_TABLE_MAX_BITS, Math.ceil(Math.log2(deals * 4 + 1024))),
    );
  }

  /** Draws the activities of the deal just drawn (its facts) and appends them to `out`. */
  drawFor(dealId: string, facts: DealFacts): void {
    const { rng } = this;
    const count = rng.poisson(this.perDeal * rng.pick(INTENSITY));
    if (count === 0) return;

    const managerJoins = facts.manager >= 0 && rng.chance(MANAGER_JOINS_SHARE);
    const directorJoins = facts.director >= 0 && rng.chance(DIRECTOR_JOINS_SHARE);
    const peer = rng.chance(0.1) ? this.peerOf(facts) : -1;
    this.chooseCommittee(facts.account);
    this.variants.fill(undefined);

    const dealIds = Object.freeze([dealId]) as unknown as string[];
    const accountId = this.accounts.ids[facts.account]!;
    for (let i = 0; i < count; i++) {
      const meeting = rng.chance(MEETING_SHARE);
      let variant: Variant;
      if (meeting) {
        const roll = rng.float();
        if (managerJoins && roll < 0.45) variant = Variant.MeetingWithManager;
        else if (directorJoins && roll < 0.6) variant = Variant.MeetingWithDirector;
        else if (roll > 0.95) variant = Variant.InternalMeeting;
        else if (peer >= 0 && roll > 0.8) variant = Variant.PeerMeeting;
        else variant = Variant.Meeting;
      } else {
        const roll = rng.float();
        if (managerJoins && roll < 0.25) variant = Variant.ManagerCall;
        else if (roll > 0.8) variant = Variant.UnansweredCall;
        else variant = Variant.Call;
      }
      let participants = this.variants[variant];
      if (participants === undefined) {
        participants = this.buildVariant(variant, facts, peer);
        this.variants[variant] = participants;
      }

      const dayIdx = this.activityDay(facts.closeIdx);
      const linked = rng.chance(ACCOUNT_ONLY_SHARE) ? this.noDeal : dealIds;
      if (meeting) {
        const evening = rng.chance(0.05);
        const slot = evening
          ? rng.int(EVENING_SLOTS.first, EVENING_SLOTS.last)
          : rng.int(BUSINESS_SLOTS.first, BUSINESS_SLOTS.last);
        this.out.push({
          id: salesforceId(ID_PREFIX.event, ++this.meetings),
          kind: 'meeting',
          dealIds: linked,
          accountId,
          start: this.calendar.instant(dayIdx, slot),
          date: null,
          canceled: rng.chance(CANCELED_SHARE),
          participants,
        });
      } else {
        const dateOnly = rng.chance(0.5);
        this.out.push({
          id: salesforceId(ID_PREFIX.task, ++this.calls),
          kind: 'call',
          dealIds: linked,
          accountId,
          start: dateOnly
            ? null
            : this.calendar.instant(dayIdx, rng.int(BUSINESS_SLOTS.first, BUSINESS_SLOTS.last)),
          date: dateOnly ? this.calendar.days[dayIdx]! : null,
          canceled: false,
          participants,
        });
      }
    }
  }

  /**
   * A weekday around the close: mostly in the 90 days before it, some 91-120 days before, some
   * up to 20 days after (never after `asOf`).
   */
  private activityDay(closeIdx: number): number {
    const { rng, calendar } = this;
    const roll = rng.float();
    let idx: number;
    if (roll < 0.05 && closeIdx + 1 <= calendar.asOfIdx) {
      idx = Math.min(calendar.asOfIdx, closeIdx + rng.int(1, 20));
    } else if (roll < 0.15) {
      idx = closeIdx - rng.int(91, 120);
    } else {
      idx = closeIdx - rng.int(0, 90);
    }
    const weekday = calendar.weekday[idx]!;
    if (weekday === 6) idx -= 1;
    else if (weekday === 7) idx -= 2;
    return idx;
  }

  /** The buyers on this deal: one to three of the account's contacts. */
  private chooseCommittee(account: number): void {
    const { rng, accounts, committee } = this;
    const start = accounts.contactStart[account]!;
    const available = accounts.contactCount[account]!;
    const size = Math.min(available, rng.int(1, 3));
    committee.length = 0;
    const first = rng.int(0, available - 1);
    for (let k = 0; k < size; k++) committee.push(start + ((first + k) % available));
  }

  /** A colleague who runs one of the deal's meetings: a rep employed then, mostly a teammate. */
  private peerOf(facts: DealFacts): number {
    const { org, rng } = this;
    const team = org.teams.get(facts.manager) ?? [];
    const other = team.length > 1 && rng.chance(0.7) ? rng.pick(team) : rng.pick(org.reps);
    return other === facts.owner || !org.employedOn(other, facts.closeIdx) ? -1 : other;
  }

  /**
   * The participants of one variant, drawn as codes and then looked up by content. The draws are
   * the same whether or not an equal array exists already, so sharing never changes the org.
   */
  private buildVariant(variant: Variant, facts: DealFacts, peer: number): Participant[] {
    const { rng } = this;
    this.codeCount = 0;
    const owner = facts.owner;
    const buyers = (reply: boolean) => {
      for (const c of this.committee) this.contact(c, reply ? rng.weighted(EXTERNAL_REPLIES) : ACCEPTED);
    };
    const internal = (user: number) => this.user(user, ATTENDEE, rng.weighted(INTERNAL_REPLIES));
    switch (variant) {
      case Variant.Meeting:
        this.user(owner, ORGANIZER, ACCEPTED);
        buyers(true);
        break;
      case Variant.MeetingWithManager:
        this.user(owner, ORGANIZER, ACCEPTED);
        internal(facts.manager);
        buyers(true);
        break;
      case Variant.MeetingWithDirector:
        this.user(owner, ORGANIZER, ACCEPTED);
        if (rng.chance(0.5)) internal(facts.manager);
        internal(facts.director);
        buyers(true);
        break;
      case Variant.InternalMeeting: {
        // A deal review with no buyer present: never counts under the external-participant rule.
        this.user(owner, ORGANIZER, ACCEPTED);
        const other = facts.manager >= 0 && rng.chance(0.7) ? facts.manager : peer >= 0 ? peer : owner;
        internal(other);
        if (other === owner) this.codeCount--;
        break;
      }
      case Variant.PeerMeeting:
        this.user(peer, ORGANIZER, ACCEPTED);
        this.user(owner, ATTENDEE, ACCEPTED);
        buyers(true);
        break;
      case Variant.Call:
        this.user(owner, ORGANIZER, ATTENDED);
        this.contact(rng.pick(this.committee), ATTENDED);
        break;
      case Variant.UnansweredCall:
        this.user(owner, ORGANIZER, ATTENDED);
        this.contact(rng.pick(this.committee), NO_SHOW);
        break;
      case Variant.ManagerCall:
        this.user(facts.manager, ORGANIZER, ATTENDED);
        this.contact(rng.pick(this.committee), rng.chance(0.85) ? ATTENDED : NO_SHOW);
        break;
    }
    return this.intern();
  }

  /** Adds a user participant to the array being built. */
  private user(user: number, role: number, status: number): void {
    this.codes[this.codeCount++] = (user * 2 + role) * STATUSES.length + status;
  }

  /** Adds a contact participant to the array being built. */
  private contact(contact: number, status: number): void {
    this.codes[this.codeCount++] = this.contactBase + contact * STATUSES.length + status;
  }

  /**
   * The participants array of codes[0..codeCount): an equal one made before, or a new frozen one,
   * which the activity about to be appended to `out` will hold.
   */
  private intern(): Participant[] {
    const { codes, codeCount, interned } = this;
    let h = codeCount;
    for (let i = 0; i < codeCount; i++) h = Math.imul(h ^ codes[i]!, 0x9e3779b1) ^ (h >>> 15);
    h ^= h >>> 16;
    const mask = interned.length - 1;
    let slot = h & mask;
    for (let at = interned[slot]!; at !== 0; slot = (slot + 1) & mask, at = interned[slot]!) {
      const candidate = this.out.get(at - 1).participants;
      if (this.holdsCodes(candidate)) return candidate;
    }
    const list: Participant[] = [];
    for (let i = 0; i < codeCount; i++) list.push(this.participant(codes[i]!));
    // A copy of exactly its length: an array grown by push keeps room for 17 elements.
    const frozen = Object.freeze(list.slice()) as unknown as Participant[];
    if (this.internedCount < interned.length * 0.7) {
      interned[slot] = this.out.length + 1;
      this.internedCount++;
    }
    return frozen;
  }

  private holdsCodes(list: readonly Participant[]): boolean {
    if (list.length !== this.codeCount) return false;
    for (let i = 0; i < list.length; i++) if (list[i] !== this.participants[this.codes[i]!]) return false;
    return true;
  }

  private participant(code: number): Participant {
    let p = this.participants[code];
    if (p !== undefined) return p;
    const status = STATUSES[code % STATUSES.length]!;
    if (code < this.contactBase) {
      const key = Math.floor(code / STATUSES.length);
      p = Object.freeze({
        userId: this.org.users[key >> 1]!.id,
        role: (key & 1) === ORGANIZER ? 'organizer' : 'attendee',
        status,
      }) as Participant;
    } else {
      const contact = Math.floor((code - this.contactBase) / STATUSES.length);
      p = Object.freeze({
        contactId: this.accounts.contactIds[contact]!,
        email: this.accounts.contactEmails[contact]!,
        role: 'attendee',
        status,
      }) as Participant;
    }
    this.participants[code] = p;
    return p;
  }
}

/**
 * Customer accounts, each with its own web domain, region (hence the currency its deals are in)
 * and one to five external contacts whose emails are at that domain. Each account belongs to a
 * rep's book; reps mostly sell into their own accounts.
 */

import { REGION_TLDS, REGION_WEIGHTS } from './currencies.js';
import { flatString } from './flat-string.js';
import { ID_PREFIX, salesforceId } from './ids.js';
import { COMPANY_KINDS, COMPANY_STEMS, FIRST_NAMES, LAST_NAMES } from './names.js';
import { cumulative, type Rng } from './random.js';

export const DEALS_PER_ACCOUNT = 6;
const CONTACT_COUNT_WEIGHTS = cumulative([25, 30, 22, 13, 10]);
const REGIONS = cumulative(REGION_WEIGHTS);

export interface Accounts {
  count: number;
  ids: string[];
  names: string[];
  /** Index into CURRENCIES of each account's region. */
  currency: Uint8Array;
  /** The account's contacts are `contactIds[contactStart[a] .. contactStart[a] + contactCount[a] - 1]`. */
  contactStart: Int32Array;
  contactCount: Uint8Array;
  contactIds: string[];
  contactEmails: string[];
  /** Accounts in each rep's book, by position in `reps`. */
  book: number[][];
}

export function buildAccounts(rng: Rng, deals: number, repCount: number): Accounts {
  const count = Math.max(3, Math.ceil(deals / DEALS_PER_ACCOUNT));
  const ids: string[] = [];
  const names: string[] = [];
  const currency = new Uint8Array(count);
  const contactStart = new Int32Array(count);
  const contactCount = new Uint8Array(count);
  const contactIds: string[] = [];
  const contactEmails: string[] = [];
  const book: number[][] = Array.from({ length: repCount }, () => []);
  const seenNames = new Map<string, number>();

  for (let a = 0; a < count; a++) {
    const stem = rng.pick(COMPANY_STEMS);
    const kind = rng.pick(COMPANY_KINDS);
    const base = `${stem} ${kind}`;
    const seen = (seenNames.get(base) ?? 0) + 1;
    seenNames.set(base, seen);
    const region = rng.weighted(REGIONS);
    currency[a] = region;
    ids.push(salesforceId(ID_PREFIX.account, a + 1));
    names.push(seen === 1 ? base : `${base} ${seen}`);
    const slug = `${stem}${kind}`.toLowerCase().replace(/[^a-z]/g, '');
    const atDomain = `@${slug}${seen === 1 ? '' : seen}.${rng.pick(REGION_TLDS[region]!)}`;

    const contacts = rng.weighted(CONTACT_COUNT_WEIGHTS) + 1;
    contactStart[a] = contactIds.length;
    contactCount[a] = contacts;
    const locals = new Set<string>();
    for (let c = 0; c < contacts; c++) {
      const local = `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}`.toLowerCase();
      let unique = local;
      for (let n = 2; locals.has(unique); n++) unique = `${local}${n}`;
      locals.add(unique);
      contactIds.push(salesforceId(ID_PREFIX.contact, contactIds.length + 1));
      contactEmails.push(flatString(unique + atDomain));
    }
    book[a < repCount ? a : rng.int(0, repCount - 1)]!.push(a);
  }
  return { count, ids, names, currency, contactStart, contactCount, contactIds, contactEmails, book };
}

/**
 * The name behind a generated contact's email (`nadia.rossi2@atlaslogistics.co.uk` is Nadia
 * Rossi). The snapshot carries contacts only as participants (contactId and email); a sandbox that
 * needs a contact's name, such as Salesforce's required Contact.LastName, takes it from here.
 */
export function contactName(email: string): { firstName: string; lastName: string } {
  const [first = '', last = ''] = email.split('@')[0]!.replace(/\d+$/, '').split('.');
  const title = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  return { firstName: title(first), lastName: title(last) };
}

/**
 * Salesforce record ids: 15 case-sensitive characters, or 18 with a 3-character suffix that
 * encodes the case of the first 15 so case-insensitive tools can still tell them apart.
 * https://help.salesforce.com/s/articleView?id=000385585&type=1
 */

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_PATTERN = /^[a-zA-Z0-9]{15}([a-zA-Z0-5]{3})?$/;

export function isSalesforceId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** The 18-character form of a 15- or 18-character id (an 18-character id gets its suffix recomputed). */
export function to18(id: string): string {
  if (!isSalesforceId(id)) throw new RangeError(`not a Salesforce id: ${JSON.stringify(id)}`);
  const base = id.slice(0, 15);
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let j = 0; j < 5; j++) {
      const c = base.charCodeAt(block * 5 + j);
      if (c >= 65 && c <= 90) bits |= 1 << j;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return base + suffix;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * An 18-character id for the `n`th record with this key prefix. `pod` fills characters 4-6 so ids
 * minted by different sources (the sandbox, the org generator) never collide.
 */
export function makeSalesforceId(keyPrefix: string, pod: string, n: number): string {
  let digits = '';
  let rest = n;
  for (let i = 0; i < 9; i++) {
    digits = BASE62[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  }
  return to18(`${keyPrefix.slice(0, 3)}${pod.slice(0, 3)}${digits}`);
}

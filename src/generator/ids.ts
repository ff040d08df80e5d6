/**
 * Record ids shaped like Salesforce's 18-character ids, so the Salesforce sandbox can keep them
 * as they are: the object's key prefix (`005` users, `001` accounts, `003` contacts, `006`
 * opportunities, `00U` events, `00T` tasks), a pod and reserved part, a base-62 counter, and the
 * 3-character case-safe suffix Salesforce computes from the first 15 characters.
 */
export const ID_PREFIX = {
  user: '005',
  account: '001',
  contact: '003',
  opportunity: '006',
  event: '00U',
  task: '00T',
} as const;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
/** Characters 4-6 of a Salesforce id: the pod ("5g") and a reserved character. */
const POD = '5g0';

const codes = new Array<number>(18);

/**
 * The `n`th id for a key prefix. Built from char codes in one `String.fromCharCode` call so the
 * result is one flat string (concatenation would leave a rope per id, and there are millions).
 */
export function salesforceId(prefix: string, n: number): string {
  // Every safe integer fits in 9 base-62 digits (62^9 > 2^53).
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`id counter ${n} is not a safe whole number`);
  for (let i = 0; i < 3; i++) codes[i] = prefix.charCodeAt(i);
  for (let i = 0; i < 3; i++) codes[3 + i] = POD.charCodeAt(i);
  let rest = n;
  for (let i = 14; i >= 6; i--) {
    codes[i] = BASE62.charCodeAt(rest % 62);
    rest = Math.floor(rest / 62);
  }
  for (let block = 0; block < 3; block++) codes[15 + block] = suffixCode(codes, block * 5);
  return String.fromCharCode.apply(null, codes as number[]);
}

/** The 3 characters Salesforce appends to a 15-character id to make it case-insensitive-safe. */
export function caseSafeSuffix(id15: string): string {
  const chars = Array.from(id15, (c) => c.charCodeAt(0));
  return String.fromCharCode(suffixCode(chars, 0), suffixCode(chars, 5), suffixCode(chars, 10));
}

/** For a block of 5 characters, a bit per upper-case letter, as one character of the suffix. */
function suffixCode(chars: readonly number[], from: number): number {
  let bits = 0;
  for (let j = 0; j < 5; j++) {
    const c = chars[from + j]!;
    if (c >= 65 && c <= 90) bits |= 1 << j;
  }
  return SUFFIX.charCodeAt(bits);
}

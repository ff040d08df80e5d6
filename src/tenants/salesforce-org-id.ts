/**
 * Salesforce ids come in a case-sensitive 15-character form and a case-insensitive 18-character form
 * (the 15 plus a 3-character checksum of the letter case). Outbound Messages carry the 18-character
 * organization id, admins may paste either, so the tenant index always keys on the 18 characters.
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

export function toSalesforceId18(id: string): string {
  if (id.length === 18) return id;
  if (id.length !== 15) throw new Error(`a Salesforce id has 15 or 18 characters, got ${id.length}`);
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id.charCodeAt(block * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return id + suffix;
}

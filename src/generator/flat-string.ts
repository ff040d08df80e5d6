/**
 * A flat copy of an ASCII string. Strings built by joining pieces are ropes in V8 (a node per
 * join, 32 bytes each, flattened into yet another copy the first time they are read as a whole);
 * strings held by millions of records are worth storing flat once.
 */
export function flatString(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

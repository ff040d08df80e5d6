/**
 * SOQL text → the parser's AST, with the parse of a query's shape kept. A connector sends the
 * same few queries again and again with other ids in their `IN (...)` lists (2,000 ids of a
 * `WhatId IN`, tens of kilobytes); the parser takes milliseconds on those, while finding the lists
 * takes microseconds. So every IN list made only of string literals is cut out, the rest (the
 * shape) is parsed once, and each query gets a copy of that AST with its own lists put back.
 *
 * The cut follows the parser's own lexing of string literals (a quote, backslash escapes, no line
 * break), so a list is never found inside a literal; anything it is unsure of stays in the shape
 * and goes to the parser as written. A shape the parser rejects is parsed again as written, so
 * errors quote the query the client sent.
 */
import { parseQuery, type Query } from '@jetstreamapp/soql-parser-js';

/** Stands for the k-th cut list in a shape: `IN ('\u0000k')`. */
const MARK = '\u0000';
const MAX_SHAPES = 256;
const shapes = new Map<string, Query>();

export function parseSoql(soql: string): Query {
  const cut = cutInLists(soql);
  if (cut === null) return parseQuery(soql);
  let shape = shapes.get(cut.shape);
  if (shape === undefined) {
    try {
      shape = parseQuery(cut.shape);
    } catch {
      return parseQuery(soql);
    }
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
    shapes.set(cut.shape, shape);
  }
  const used = new Set<number>();
  const query = withLists(shape, cut.lists, used);
  // Each cut list must come back exactly once; otherwise let the parser read the query as written.
  return used.size === cut.lists.length ? (query as Query) : parseQuery(soql);
}

// A string literal as the parser lexes one: backslash escapes, no line break inside.
const LITERAL = String.raw`'(?:[^'\\\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029])*'`;
/** The next literal (skipped whole), stray quote, or IN keyword after a space or `)`. */
const TOKEN = new RegExp(String.raw`${LITERAL}|'|(?<=[ \t\r\n)])[Ii][Nn](?=[ \t\r\n]*\()`, 'g');
/** A parenthesised list of string literals, from just after IN. */
const STRING_LIST = new RegExp(
  String.raw`[ \t\r\n]*\((?:[ \t\r\n]*${LITERAL}[ \t\r\n]*,)*[ \t\r\n]*${LITERAL}[ \t\r\n]*\)`,
  'y',
);
const LITERALS = new RegExp(LITERAL, 'g');

/** The query with each string-literal IN list replaced by a mark, and the lists; null if there are none. */
export function cutInLists(soql: string): { shape: string; lists: string[][] } | null {
  const lists: string[][] = [];
  let shape = '';
  let copied = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(soql); m !== null; m = TOKEN.exec(soql)) {
    // An unterminated literal: leave the whole query to the parser.
    if (m[0] === "'") return null;
    if (m[0][0] === "'") continue;
    STRING_LIST.lastIndex = TOKEN.lastIndex;
    const list = STRING_LIST.exec(soql);
    if (list === null) continue;
    shape += `${soql.slice(copied, TOKEN.lastIndex)} ('${MARK}${lists.length}')`;
    lists.push(list[0].match(LITERALS)!);
    copied = STRING_LIST.lastIndex;
    TOKEN.lastIndex = copied;
  }
  return lists.length === 0 ? null : { shape: shape + soql.slice(copied), lists };
}

/** A copy of a shape's AST with the cut lists back in their IN conditions. */
function withLists(node: unknown, lists: string[][], used: Set<number>): unknown {
  if (Array.isArray(node)) return node.map((n) => withLists(n, lists, used));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) out[key] = withLists(obj[key], lists, used);
  const value = obj['value'];
  if (
    (obj['operator'] === 'IN' || obj['operator'] === 'NOT IN') &&
    Array.isArray(value) &&
    value.length === 1 &&
    typeof value[0] === 'string' &&
    value[0].startsWith(`'${MARK}`)
  ) {
    const k = Number(value[0].slice(2, -1));
    const list = lists[k];
    if (list !== undefined && !used.has(k)) {
      used.add(k);
      out['value'] = list;
    } else used.add(-1);
  }
  return out;
}

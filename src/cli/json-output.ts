/**
 * JSON.stringify(value, null, 2) for a result whose top-level arrays may hold millions of items:
 * the same text, produced in pieces, since one string of it can exceed V8's maximum length.
 */

/** The pieces of `JSON.stringify(obj, null, 2)` for an object whose values are arrays. */
export function prettyJsonOfArrays(obj: Readonly<Record<string, readonly unknown[]>>): Generator<string> {
  return prettyJsonObject(obj);
}

function* prettyArray(items: readonly unknown[], indent: string): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  const inner = `${indent}  `;
  yield '[\n';
  for (let i = 0; i < items.length; i++) {
    // JSON escapes newlines inside strings, so every raw newline starts a line to indent.
    const text = JSON.stringify(items[i], null, 2).replaceAll('\n', `\n${inner}`);
    yield `${inner}${text}${i < items.length - 1 ? ',\n' : '\n'}`;
  }
  yield `${indent}]`;
}

/**
 * The pieces of `JSON.stringify(obj, null, 2)` for an object whose values are scalars, small
 * objects or large arrays (an org snapshot): the arrays go out item by item.
 */
export function* prettyJsonObject(obj: Readonly<Record<string, unknown>>): Generator<string> {
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  if (keys.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const value = obj[key];
    yield `  ${JSON.stringify(key)}: `;
    if (Array.isArray(value)) yield* prettyArray(value, '  ');
    else yield JSON.stringify(value, null, 2).replaceAll('\n', '\n  ');
    yield k < keys.length - 1 ? ',\n' : '\n';
  }
  yield '}';
}

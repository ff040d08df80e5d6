/**
 * The one ordering of ids and labels in the engine's output: by UTF-16 code unit, as `<` compares
 * strings. Not localeCompare, whose answer depends on the machine's locale data.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

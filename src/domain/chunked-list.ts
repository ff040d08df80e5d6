/**
 * A list of millions of entries built by appending, then handed out as one array of exactly its
 * length. A JS array grown by `push` to millions of entries leaves every backing store it outgrew
 * in V8's large-object space (about twice the final size in all), garbage that only a full GC
 * frees and a long synchronous loop may not reach, and the final store keeps up to half its
 * length again as spare room. Chunks of 8,192 entries are ordinary young objects instead, and
 * `toArray` copies them into one store of the exact size.
 */
const CHUNK_BITS = 13;
const CHUNK = 1 << CHUNK_BITS;
/** Arguments per `concat` call, well under the engine's limit on arguments. */
const CONCAT_BATCH = 4096;

export class ChunkedList<T> {
  private readonly full: T[][] = [];
  private chunk: T[] = [];
  length = 0;

  push(item: T): void {
    if (this.chunk.length === CHUNK) {
      this.full.push(this.chunk);
      this.chunk = [];
    }
    this.chunk.push(item);
    this.length++;
  }

  /** The entry at `index`, which must be below `length`. */
  get(index: number): T {
    const c = index >>> CHUNK_BITS;
    return (c < this.full.length ? this.full[c]! : this.chunk)[index & (CHUNK - 1)]!;
  }

  /** All entries in order, in a new array of exactly `length` elements. */
  toArray(): T[] {
    const chunks = [...this.full, this.chunk];
    // concat sizes its result from its arguments and copies each chunk into it once.
    let out: T[] = [];
    for (let i = 0; i < chunks.length; i += CONCAT_BATCH) {
      out = out.concat(...chunks.slice(i, i + CONCAT_BATCH));
    }
    return out;
  }
}

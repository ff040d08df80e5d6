/**
 * A list of millions of entries built by appending, then handed out as one array of exactly its
 * length. A JS array grown by `push` to millions of entries leaves every backing store it outgrew
 * in V8's large-object space (about twice the final size in all), garbage that only a full GC
 * frees and a long synchronous loop may not reach, and the final store keeps up to half its
 * length again as spare room.
 *
 * Here the first 65,536 entries go into an array grown as usual, so a small list costs what an
 * array costs, and every further chunk is made at its full size at once: a large object of its
 * own, never copied while it fills, and given back whole to the system once `toArray` has copied
 * the chunks into one store of the exact size. (Small chunks would instead be promoted among the
 * records they hold and leave holes in those pages when freed.)
 */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
/** Arguments per `concat` call, well under the engine's limit on arguments. */
const CONCAT_BATCH = 4096;

export class ChunkedList<T> {
  private readonly full: T[][] = [];
  private chunk: T[] = [];
  /** How many entries of `chunk` are filled. */
  private fill = 0;
  length = 0;

  push(item: T): void {
    if (this.fill === CHUNK) {
      this.full.push(this.chunk);
      this.chunk = new Array<T>(CHUNK);
      this.fill = 0;
    }
    this.chunk[this.fill++] = item;
    this.length++;
  }

  /** The entry at `index`, which must be below `length`. */
  get(index: number): T {
    const c = index >>> CHUNK_BITS;
    return (c < this.full.length ? this.full[c]! : this.chunk)[index & (CHUNK - 1)]!;
  }

  /** All entries in order, in a new array of exactly `length` elements. */
  toArray(): T[] {
    const last = this.fill === this.chunk.length ? this.chunk : this.chunk.slice(0, this.fill);
    const chunks = [...this.full, last];
    // concat sizes its result from its arguments and copies each chunk into it once.
    let out: T[] = [];
    for (let i = 0; i < chunks.length; i += CONCAT_BATCH) {
      out = out.concat(...chunks.slice(i, i + CONCAT_BATCH));
    }
    return out;
  }
}

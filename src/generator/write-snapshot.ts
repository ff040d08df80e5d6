/**
 * Streams a snapshot out as JSON, one record per line. A million-deal org is gigabytes of JSON,
 * far past V8's maximum string length, so `JSON.stringify` of the whole snapshot cannot work:
 * each record is stringified on its own and written in chunks, waiting for the stream to drain.
 * The output parses back to an object equal to the snapshot. The stream is left open (it may be
 * stdout); the caller ends it.
 */
import type { Writable } from 'node:stream';

const CHUNK_CHARS = 1 << 20;

/** Called as records are written: how many so far, over all arrays, and the total. */
export type WriteProgress = (written: number, total: number) => void;

export async function writeSnapshot(
  snapshot: object,
  stream: Writable,
  onProgress?: WriteProgress,
): Promise<void> {
  let failure: Error | undefined;
  const onError = (err: Error) => {
    failure = err;
  };
  stream.on('error', onError);
  try {
    const entries = Object.entries(snapshot);
    const total = entries.reduce((sum, [, v]) => sum + (Array.isArray(v) ? v.length : 0), 0);
    let written = 0;
    let chunk = '{\n';
    const flush = async () => {
      if (failure) throw failure;
      const ok = stream.write(chunk);
      chunk = '';
      if (!ok) await drained(stream);
      if (failure) throw failure;
    };
    for (let e = 0; e < entries.length; e++) {
      const [key, value] = entries[e]!;
      chunk += `  ${JSON.stringify(key)}: `;
      if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object') {
        chunk += '[\n';
        for (let i = 0; i < value.length; i++) {
          chunk += `    ${JSON.stringify(value[i])}${i + 1 < value.length ? ',' : ''}\n`;
          if (chunk.length >= CHUNK_CHARS) {
            await flush();
            onProgress?.(written + i + 1, total);
          }
        }
        written += value.length;
        chunk += '  ]';
      } else {
        chunk += JSON.stringify(value);
        if (Array.isArray(value)) written += value.length;
      }
      chunk += e + 1 < entries.length ? ',\n' : '\n';
    }
    chunk += '}\n';
    await flush();
    onProgress?.(total, total);
  } finally {
    stream.off('error', onError);
  }
}

/** Resolves when the stream drains, fails or closes, leaving no listener behind. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

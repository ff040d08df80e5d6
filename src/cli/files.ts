/**
 * Files the CLI reads and writes. Reading turns every failure into an InputError naming the file
 * (and the line and column of a JSON syntax error); writing to `--out` goes through a temporary
 * file renamed into place, so a failed run leaves nothing behind.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { InputError } from '../errors.js';

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`${what} ${path}: ${readProblem(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new InputError(`${what} ${path}: not valid JSON${jsonPosition(text, message)}: ${message}`);
  }
}

/** Runs a parse step on a file's content, prefixing each problem with the file it came from. */
export function parseFile<T>(path: string, raw: unknown, parse: (raw: unknown) => T): T {
  try {
    return parse(raw);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.issues.map((issue) => `${path}: ${issue}`));
    throw err;
  }
}

function readProblem(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ERR_STRING_TOO_LONG') return 'too large to read as one JSON document';
  return err instanceof Error ? err.message : String(err);
}

/** " (line 3, column 9)" from V8's "at position N", or "" when the message gives none. */
function jsonPosition(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  if (m === null) return '';
  const pos = Number(m[1]);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return ` (line ${line}, column ${pos - lineStart + 1})`;
}

/** Writes chunks to a stream, waiting whenever it asks to. */
async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  let buffer = '';
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= 1 << 16) {
      if (!stream.write(buffer)) await once(stream, 'drain');
      buffer = '';
    }
  }
  if (buffer !== '' && !stream.write(buffer)) await once(stream, 'drain');
}

export async function writeToStdout(chunks: Iterable<string>): Promise<void> {
  await writeChunks(process.stdout, chunks);
}

/** Writes the whole output to `path`, or nothing: the file appears only once it is complete. */
export async function writeFileAtomically(path: string, chunks: Iterable<string>): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const stream = createWriteStream(temp);
  try {
    await once(stream, 'open');
    await writeChunks(stream, chunks);
    stream.end();
    await once(stream, 'finish');
    await rename(temp, path);
  } catch (err) {
    stream.destroy();
    await rm(temp, { force: true });
    throw new InputError(`--out ${path}: cannot write: ${err instanceof Error ? err.message : String(err)}`);
  }
}

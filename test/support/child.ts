/** Child processes in tests: waiting for a log line of a service started with `spawn`. */
import type { ChildProcess } from 'node:child_process';

/**
 * Collects a child's stdout and resolves with the first line that matches; rejects after 20 s, so
 * a test's `finally` still kills the child when the line never comes.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} within 20 s: ${buffer.slice(-2000)}`)),
      20_000,
    );
    child.once('close', () => clearTimeout(timer));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    // 'close' comes after stdout is drained ('exit' may come before the last lines are read).
    child.once('close', (code) =>
      reject(new Error(`exited with ${code} before ${pattern}: ${buffer.slice(-2000)}`)),
    );
  });
}

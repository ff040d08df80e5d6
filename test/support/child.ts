/** Child processes in tests: waiting for a log line of a service started with `spawn`. */
import type { ChildProcess } from 'node:child_process';

/** Collects a child's stdout and resolves with the first line that matches. */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => pattern.test(l));
      if (line) resolve(line);
    });
    // 'close' comes after stdout is drained ('exit' may come before the last lines are read).
    child.once('close', (code) =>
      reject(new Error(`exited with ${code} before ${pattern}: ${buffer.slice(-2000)}`)),
    );
  });
}

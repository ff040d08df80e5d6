/**
 * What the demo prints: numbered steps with indented details, not logs. On a terminal the manager
 * whose figure moved stands out in bold (and the backfill shows bars); piped (CI, a test) nothing
 * carries escape codes.
 */
import type { Writable } from 'node:stream';

export class DemoOutput {
  private stepNumber = 0;

  constructor(
    /** Where it all goes (the backfill's progress bars too). */
    readonly stream: Writable,
    readonly tty: boolean,
  ) {}

  line(text = ''): void {
    this.stream.write(`${text}\n`);
  }

  step(title: string): void {
    this.stepNumber++;
    this.line();
    this.line(`${String(this.stepNumber).padStart(2)}. ${title}`);
  }

  detail(text: string): void {
    for (const l of text.split('\n')) this.line(`    ${l}`);
  }

  strong(text: string): string {
    return this.tty ? `\x1b[1m${text}\x1b[22m` : text;
  }
}

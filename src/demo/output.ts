/**
 * What the demo prints: numbered steps with indented details, not logs. On a terminal a progress
 * line rewrites itself in place and the manager whose figure moved stands out in bold; piped
 * (CI, a test) every progress line is its own line and nothing carries escape codes.
 */
import type { Writable } from 'node:stream';

export class DemoOutput {
  private stepNumber = 0;
  private progressOpen = false;

  constructor(
    private readonly out: Writable,
    readonly tty: boolean,
  ) {}

  line(text = ''): void {
    this.closeProgress();
    this.out.write(`${text}\n`);
  }

  step(title: string): void {
    this.stepNumber++;
    this.line();
    this.line(`${String(this.stepNumber).padStart(2)}. ${title}`);
  }

  detail(text: string): void {
    for (const l of text.split('\n')) this.line(`    ${l}`);
  }

  /** A line that replaces the previous progress line on a terminal. */
  progress(text: string): void {
    if (this.tty) {
      this.out.write(`\r\x1b[2K    ${text}`);
      this.progressOpen = true;
    } else {
      this.out.write(`    ${text}\n`);
    }
  }

  strong(text: string): string {
    return this.tty ? `\x1b[1m${text}\x1b[22m` : text;
  }

  private closeProgress(): void {
    if (!this.progressOpen) return;
    this.progressOpen = false;
    this.out.write('\n');
  }
}

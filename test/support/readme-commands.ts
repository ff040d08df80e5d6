/**
 * The commands a reader of README.md is told to type, and what is wrong with them: a
 * `playercoach` command or flag the CLI does not have, an `npm run` script package.json does not
 * have, or a command no test runs. Used by test/readme.test.ts.
 */
import type { Command } from 'commander';

export type ReadmeCommand =
  | { kind: 'cli'; key: string; command: string[]; flags: string[]; line: string }
  | { kind: 'npm'; key: string; script: string; line: string };

/** Where a README command is exercised: any of `files` holds `needle` (and every flag it uses). */
export interface Coverage {
  files: readonly string[];
  needle: string;
  /**
   * For an npm script run by a test without npm: what the script must be, so the test runs what
   * `npm run` runs.
   */
  script?: string;
}

const SHELL_FENCES = new Set(['', 'sh', 'bash', 'shell', 'console']);

/**
 * The shell lines of the fenced code blocks a reader sees: HTML comments are dropped (nothing in
 * them is shown), continuation lines are joined, and `# comments` cut off.
 */
export function shellLines(markdown: string): string[] {
  const visible = markdown.replace(/<!--[\s\S]*?-->/g, '');
  const lines: string[] = [];
  let fence: string | null = null;
  let pending = '';
  for (const raw of visible.split('\n')) {
    const opening = /^\s*```\s*([\w-]*)/.exec(raw);
    if (opening) {
      fence = fence === null ? (opening[1] ?? '').toLowerCase() : null;
      continue;
    }
    if (fence === null || !SHELL_FENCES.has(fence)) continue;
    const line = raw.replace(/(^|\s)#.*$/, '').trimEnd();
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push((pending + line).replace(/\s+/g, ' ').trim());
    pending = '';
  }
  return lines.filter((l) => l !== '');
}

/** Every `playercoach ...` and `npm run ...` (and `npm test`) in the README's shell blocks. */
export function readmeCommands(markdown: string, program: Command): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  for (const line of shellLines(markdown)) {
    for (const segment of line.split(/&&|\|\||;|\|/)) {
      const words = segment.trim().split(/\s+/);
      const at = words.findIndex((w) => w === 'playercoach' || w.endsWith('/playercoach.js'));
      if (at >= 0) {
        out.push(cliCommand(words.slice(at + 1), program, line));
        continue;
      }
      const npm = words.indexOf('npm');
      if (npm < 0) continue;
      const verb = words[npm + 1];
      const script = verb === 'run' ? words[npm + 2] : verb === 'test' ? 'test' : undefined;
      if (script !== undefined) out.push({ kind: 'npm', key: `npm run ${script}`, script, line });
    }
  }
  return out;
}

function cliCommand(args: string[], program: Command, line: string): ReadmeCommand {
  const command: string[] = [];
  let current: Command = program;
  for (const word of args) {
    if (word.startsWith('-')) break;
    // Past a command without subcommands, words are its arguments.
    if (current !== program && current.commands.length === 0) break;
    command.push(word);
    const sub = subcommand(current, word);
    if (!sub) break;
    current = sub;
  }
  const flags = args.filter((a) => /^--?[a-zA-Z]/.test(a)).map((a) => a.split('=')[0] as string);
  return { kind: 'cli', key: `playercoach ${command.join(' ')}`.trim(), command, flags, line };
}

function subcommand(parent: Command, word: string): Command | undefined {
  return parent.commands.find((c) => c.name() === word || c.aliases().includes(word));
}

export interface CheckContext {
  program: Command;
  scripts: Readonly<Record<string, string>>;
  coverage: Readonly<Record<string, Coverage>>;
  /** Scripts the README may show without a test running them, each with the reason. */
  untested: Readonly<Record<string, string>>;
  /** A repository file's text, or null when it does not exist. */
  read(path: string): string | null;
}

/** One sentence per problem; empty when every README command is real, its flags too, and tested. */
export function checkReadmeCommands(commands: readonly ReadmeCommand[], ctx: CheckContext): string[] {
  const problems: string[] = [];
  for (const c of commands) {
    const wrong =
      c.kind === 'cli'
        ? checkCli(c, ctx.program)
        : ctx.scripts[c.script] === undefined
          ? [`"${c.line}": package.json has no script "${c.script}"`]
          : [];
    problems.push(...wrong);
    if (wrong.length === 0 && ctx.untested[c.key] === undefined) problems.push(...checkCoverage(c, ctx));
  }
  const shown = new Set(commands.map((c) => c.key));
  for (const key of Object.keys(ctx.coverage)) {
    if (!shown.has(key))
      problems.push(`coverage table: README.md no longer shows "${key}"; remove its entry`);
  }
  return [...new Set(problems)];
}

function checkCli(c: Extract<ReadmeCommand, { kind: 'cli' }>, program: Command): string[] {
  let current: Command = program;
  for (const word of c.command) {
    const sub = subcommand(current, word);
    if (!sub) return [`"${c.line}": playercoach has no command "${c.command.join(' ')}"`];
    current = sub;
  }
  if (current === program) return [`"${c.line}": names no playercoach command`];
  if (current.commands.length > 0 && !c.flags.includes('--help')) {
    return [`"${c.line}": "${c.key}" needs one of its subcommands`];
  }
  const known = new Set(['--help', '-h']);
  for (const o of current.options) {
    if (o.long) known.add(o.long);
    if (o.short) known.add(o.short);
  }
  return c.flags.filter((f) => !known.has(f)).map((f) => `"${c.line}": "${c.key}" has no option ${f}`);
}

function checkCoverage(c: ReadmeCommand, ctx: CheckContext): string[] {
  const entry = ctx.coverage[c.key];
  if (!entry) return [`"${c.line}": no test runs "${c.key}"; add one and list it in the coverage table`];
  const texts = entry.files.map((f) => ({ file: f, text: ctx.read(f) }));
  const problems = texts
    .filter((t) => t.text === null)
    .map((t) => `coverage table: ${t.file} (for "${c.key}") does not exist`);
  const holding = texts.filter((t) => t.text?.includes(entry.needle));
  if (holding.length === 0) {
    problems.push(
      `coverage table: none of ${entry.files.join(', ')} contains ${entry.needle} (for "${c.key}")`,
    );
  }
  if (c.kind === 'npm' && entry.script !== undefined && ctx.scripts[c.script] !== entry.script) {
    problems.push(
      `coverage table: package.json's "${c.script}" is "${ctx.scripts[c.script]}", not "${entry.script}" that the test runs`,
    );
  }
  if (c.kind === 'cli') {
    for (const flag of c.flags.filter((f) => f !== '--help' && f !== '-h')) {
      const used = new RegExp(`${flag.replace(/[-]/g, '\\-')}(?![\\w-])`);
      if (!holding.some((t) => used.test(t.text ?? ''))) {
        problems.push(`"${c.line}": no test of "${c.key}" (${entry.files.join(', ')}) uses ${flag}`);
      }
    }
  }
  return problems;
}

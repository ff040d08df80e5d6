/**
 * How the long-running commands (serve, worker) end: the first SIGTERM or SIGINT starts a clean
 * shutdown; a second one while it runs exits at once with code 1, for an operator who cannot wait.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      for (const s of SIGNALS) {
        process.off(s, first);
        process.once(s, () => process.exit(1));
      }
      resolve(signal);
    };
    for (const s of SIGNALS) process.on(s, first);
  });
}

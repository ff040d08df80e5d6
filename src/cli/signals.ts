/**
 * How the long-running commands (serve, worker) end: the first SIGTERM or SIGINT starts a clean
 * shutdown; a second one while it runs exits at once with code 1, for an operator who cannot wait.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function untilSignal(options: { secondSignalExits?: boolean } = {}): Promise<NodeJS.Signals> {
  const secondSignalExits = options.secondSignalExits ?? true;
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      for (const s of SIGNALS) {
        process.off(s, first);
        // A forked server process gets Ctrl-C from the terminal and SIGTERM from its primary: both
        // mean one clean shutdown, never an abrupt exit.
        if (secondSignalExits) process.once(s, () => process.exit(1));
        else process.on(s, () => {});
      }
      resolve(signal);
    };
    for (const s of SIGNALS) process.on(s, first);
  });
}

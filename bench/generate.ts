/**
 * How fast `generateOrg` is and how much heap its snapshot holds, at 100k and 1M deals (about
 * five activities each). Each size runs in a fresh child process so one does not inflate the
 * other's memory. Prints one line per size:
 * `generate-bench: deals=N activities=M seconds=S heap_used_mb=H peak_rss_mb=R`.
 *
 *   npm run bench:generate [-- 100000 1000000]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateOrg } from '../src/generator/generate-org.js';

function peakRssMb(): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Math.round(Number(hwm[1]) / 1024) : Math.round(process.memoryUsage().rss / 1048576);
}

function measure(deals: number): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const org = generateOrg({ deals });
  const seconds = (performance.now() - started) / 1000;
  gc?.();
  const heapMb = Math.round((process.memoryUsage().heapUsed - before) / 1048576);
  return (
    `generate-bench: deals=${deals} activities=${org.activities.length} seconds=${seconds.toFixed(1)} ` +
    `heap_used_mb=${heapMb} peak_rss_mb=${peakRssMb()}`
  );
}

const [, , mode, size] = process.argv;
if (mode === '--one') {
  console.log(measure(Number(size)));
} else {
  const sizes = process.argv.slice(2).map(Number);
  for (const deals of sizes.length > 0 ? sizes : [100_000, 1_000_000]) {
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=4096',
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--one',
        String(deals),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    process.stdout.write(out);
  }
}

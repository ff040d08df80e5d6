/**
 * `npm run bench:engine`: the crediting engine on generated orgs of 100k and 1M deals (about 5
 * activities each), one thread. Each size runs in a fresh child process, so the peak RSS of the
 * small run is not inflated by the large one. The peak RSS covers generating the org in-process
 * (no JSON) plus the engine, since both live in the process a real recompute would run in.
 *
 * Ends with one line per size: `engine-bench: deals=N deals_per_s=X peak_rss_mb=Y`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compute } from '../src/domain/engine.js';
import { DEFAULT_POLICY } from '../src/domain/policy.js';
import { generateOrg } from '../src/generator/index.js';

const SIZES = [100_000, 1_000_000];

interface Figures {
  deals: number;
  activities: number;
  generateSeconds: number;
  computeSeconds: number;
  /** CPU time of the compute (all threads of the process, so GC helpers too): less noisy than wall time on a busy machine. */
  computeCpuSeconds: number;
  dealsPerSecond: number;
  peakRssMb: number;
  decisions: number;
  credited: number;
  rows: number;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

function child(deals: number): Figures {
  let t = process.hrtime.bigint();
  const snapshot = generateOrg({ deals, seed: 1 });
  const generateSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  // The generator's garbage is not the engine's: collect it before timing, as a worker that
  // built the org from CRM pages would have by the time it computes.
  collectGarbage();

  t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = compute(snapshot, DEFAULT_POLICY);
  const computeSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const used = process.cpuUsage(cpu);
  const computeCpuSeconds = (used.user + used.system) / 1e6;

  return {
    deals,
    activities: snapshot.activities.length,
    generateSeconds,
    computeSeconds,
    computeCpuSeconds,
    dealsPerSecond: Math.round(deals / computeSeconds),
    // maxRSS is the kernel's high-water mark for the process (kilobytes): generation plus engine.
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    decisions: result.decisions.length,
    credited: result.decisions.filter((d) => d.credited).length,
    rows: result.attainment.length,
  };
}

function runChild(deals: number): Promise<Figures> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', script, '--child', String(deals)],
      { maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err !== null) {
          reject(new Error(`bench child for ${deals} deals failed: ${stderr || err.message}`));
          return;
        }
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Figures);
      },
    );
  });
}

async function main(): Promise<void> {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    process.stdout.write(`${JSON.stringify(child(Number(process.argv[childAt + 1])))}\n`);
    return;
  }
  const all: Figures[] = [];
  for (const deals of SIZES) all.push(await runChild(deals));
  console.log(
    'deals      activities  generate_s  compute_s  deals/s    decisions  credited  rows   peak_rss_mb',
  );
  for (const f of all) {
    console.log(
      [
        String(f.deals).padEnd(10),
        String(f.activities).padEnd(11),
        f.generateSeconds.toFixed(1).padEnd(11),
        f.computeSeconds.toFixed(2).padEnd(10),
        f.computeCpuSeconds.toFixed(2).padEnd(10),
        String(f.dealsPerSecond).padEnd(10),
        String(f.decisions).padEnd(10),
        String(f.credited).padEnd(9),
        String(f.rows).padEnd(6),
        String(f.peakRssMb),
      ].join(' '),
    );
  }
  for (const f of all) {
    console.log(`engine-bench: deals=${f.deals} deals_per_s=${f.dealsPerSecond} peak_rss_mb=${f.peakRssMb}`);
  }
}

await main();

/**
 * `npm run bench:engine`: the crediting engine on generated orgs of 100k and 1M deals (about 5
 * activities each), one thread, default policy. Each size runs in a fresh child process, so the
 * peak RSS of the small run is not inflated by the large one.
 *
 * In the child: warm the engine up on a separate 20k-deal org (a worker recomputes tenant after
 * tenant; the first few thousand deals of a cold process run in the interpreter) and let it go,
 * generate the org in-process (no JSON), collect the generator's garbage, then time one
 * `compute` (wall and process CPU time). Peak RSS is the kernel's high-water mark of the child: generating the org
 * plus the engine; the RSS the generated org alone reached is printed beside it.
 *
 * Ends with one line per size: `engine-bench: deals=N deals_per_s=X peak_rss_mb=Y`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compute } from '../src/domain/engine.js';
import { DEFAULT_POLICY } from '../src/domain/policy.js';
import { generateOrg } from '../src/generator/index.js';

const SIZES = [100_000, 1_000_000];
const WARM_UP_DEALS = 20_000;

interface Figures {
  deals: number;
  activities: number;
  generateSeconds: number;
  /** Peak RSS once the org is generated, before the engine ran. */
  orgRssMb: number;
  computeSeconds: number;
  /** CPU time of the compute, all threads of the process (the GC's helpers too). */
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

function peakRssMb(): number {
  // maxRSS is the kernel's high-water mark for the process, in kilobytes.
  return mb(process.resourceUsage().maxRSS * 1024);
}

/**
 * Runs the engine on a small org of its own, in a function of its own so that org and its results
 * are garbage by the time the big org is built: warming up beside the big org would add them to
 * the peak the big run reports.
 */
function warmUp(): void {
  const org = generateOrg({ deals: WARM_UP_DEALS, seed: 2 });
  for (let i = 0; i < 3; i++) compute(org, DEFAULT_POLICY);
}

function child(deals: number): Figures {
  warmUp();
  collectGarbage();

  let t = process.hrtime.bigint();
  const snapshot = generateOrg({ deals, seed: 1 });
  const generateSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const orgRssMb = peakRssMb();

  // The generator's garbage is not the engine's: collect it before timing, as a worker that
  // built the org from CRM pages would have by the time it computes.
  collectGarbage();

  t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = compute(snapshot, DEFAULT_POLICY);
  const computeSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const used = process.cpuUsage(cpu);

  return {
    deals,
    activities: snapshot.activities.length,
    generateSeconds,
    orgRssMb,
    computeSeconds,
    computeCpuSeconds: (used.user + used.system) / 1e6,
    dealsPerSecond: Math.round(deals / computeSeconds),
    peakRssMb: peakRssMb(),
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

const COLUMNS: Array<[string, (f: Figures) => string]> = [
  ['deals', (f) => String(f.deals)],
  ['activities', (f) => String(f.activities)],
  ['generate_s', (f) => f.generateSeconds.toFixed(1)],
  ['org_rss_mb', (f) => String(f.orgRssMb)],
  ['compute_s', (f) => f.computeSeconds.toFixed(2)],
  ['cpu_s', (f) => f.computeCpuSeconds.toFixed(2)],
  ['deals/s', (f) => String(f.dealsPerSecond)],
  ['decisions', (f) => String(f.decisions)],
  ['credited', (f) => String(f.credited)],
  ['rows', (f) => String(f.rows)],
  ['peak_rss_mb', (f) => String(f.peakRssMb)],
];

async function main(): Promise<void> {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    process.stdout.write(`${JSON.stringify(child(Number(process.argv[childAt + 1])))}\n`);
    return;
  }
  const all: Figures[] = [];
  for (const deals of SIZES) all.push(await runChild(deals));
  console.log(COLUMNS.map(([name]) => name.padEnd(12)).join(''));
  for (const f of all) console.log(COLUMNS.map(([, value]) => value(f).padEnd(12)).join(''));
  for (const f of all) {
    console.log(`engine-bench: deals=${f.deals} deals_per_s=${f.dealsPerSecond} peak_rss_mb=${f.peakRssMb}`);
  }
}

await main();

/**
 * The generator's only source of randomness: pure-rand's xoroshiro128+ seeded from the caller's
 * seed, never Math.random, so one seed always gives the same org. Each part of the org draws from
 * its own stream (`split`), so changing how activities are drawn does not reshuffle the deals.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

const TWO_32 = 4294967296;

export class Rng {
  private constructor(private readonly gen: JumpableRandomGenerator) {}

  static fromSeed(seed: number): Rng {
    return new Rng(xoroshiro128plus(seed | 0));
  }

  /** An independent stream: a copy of this one moved 2^64 draws ahead, and this one moved past it. */
  split(): Rng {
    this.gen.jump();
    const child = new Rng(this.gen.clone());
    this.gen.jump();
    return child;
  }

  /** A float in [0, 1) with 32 bits of resolution, plenty for choosing shares and offsets. */
  float(): number {
    return (this.gen.next() + 2147483648) / TWO_32;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.gen, min, max);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** An index into `cumulative` (ascending cumulative weights, the last one the total), by bisection. */
  weighted(cumulative: ArrayLike<number>): number {
    const x = this.float() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A standard normal draw (Box-Muller), for log-normal deal sizes. */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** A Poisson draw (Knuth), fine for the small means used here. */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }
}

/** Cumulative weights for `Rng.weighted`. */
export function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => {
    sum += w;
    return sum;
  });
}

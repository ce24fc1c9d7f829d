/**
 * mulberry32: a tiny deterministic PRNG, the same sequence for the same seed on every platform.
 * Returns floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** mulberry32 with helpers: same seed, same sequence, on every platform. */
export class SeededRandom {
  readonly #next: () => number;

  constructor(seed: number) {
    // Spread nearby seeds apart so seeds 1, 2, 3 do not start alike.
    this.#next = mulberry32(Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b));
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (as WorkOS ids end in): 10 characters of time, 16 of randomness, Crockford base32. */
export function ulid(timeMs: number, random: SeededRandom): string {
  let time = '';
  let t = Math.max(0, Math.floor(timeMs));
  for (let i = 0; i < 10; i++) {
    time = crockford[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let rest = '';
  for (let i = 0; i < 16; i++) rest += crockford[random.int(0, 31)]!;
  return time + rest;
}

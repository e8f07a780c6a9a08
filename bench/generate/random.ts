/**
 * Seeded randomness for the input generator: the same seed and key give the same numbers on any
 * machine, and each entity (an area, an industry, an occupation) draws from its own stream, so
 * generating at another scale does not reshuffle what the shared entities look like.
 */

/** 32-bit FNV-1a of a string: turns a key such as `area:0010180` into a seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T;
  /** Roughly normal (sum of uniforms), mean 0, standard deviation 1. */
  gauss(): number;
}

/** mulberry32: small, fast and good enough to make plausible synthetic figures. */
export function random(seed: number | string): Random {
  let state = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)]!,
    gauss: () => {
      let s = 0;
      for (let i = 0; i < 6; i++) s += next();
      return (s - 3) * Math.SQRT2;
    },
  };
}

/** A random subset of `list` of about `share` of its length, in list order. */
export function sample<T>(rng: Random, list: readonly T[], share: number): T[] {
  return list.filter(() => rng.next() < share);
}

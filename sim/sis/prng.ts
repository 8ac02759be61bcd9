/**
 * Seeded pseudo-random numbers for the SIS simulator. Generation never touches Math.random or the
 * clock, so one seed always yields the same school year.
 */

export type Rng = Readonly<{
  /** Uniform in [0, 1). */
  next: () => number;
  /** Uniform integer in [min, max], both inclusive. */
  int: (min: number, max: number) => number;
  /** True with probability p. */
  chance: (p: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
  /** Picks by relative weight: [[value, weight], …]. */
  weighted: <T>(items: readonly (readonly [T, number])[]) => T;
}>;

/** 32-bit string hash (FNV-1a followed by a murmur3 finaliser), for deriving independent streams. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for simulation (not for cryptography). */
export function createRng(seed: number | string): Rng {
  let state = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) {
      throw new Error('pick from an empty list');
    }
    return item;
  };
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let r = next() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) {
        return value;
      }
    }
    const last = items.at(-1);
    if (last === undefined) {
      throw new Error('weighted pick from an empty list');
    }
    return last[0];
  };
  return Object.freeze({ next, int, chance: (p: number) => next() < p, pick, weighted });
}

/** An independent stream for one purpose (e.g. one person), so adding a person never shifts another. */
export function deriveRng(seed: number, label: string): Rng {
  return createRng(hashString(`${seed}:${label}`));
}

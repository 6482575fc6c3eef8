/**
 * Seeded random streams. Each process draws from its own stream, derived from the run seed
 * and the stream's name, so adding a draw to one mechanism never reshuffles another's.
 * The generator is seedrandom's Alea (fast, well tested); we only add distributions on top.
 */
import seedrandom from 'seedrandom';

export const STREAM_NAMES = [
  'init',
  'environment',
  'sanctions',
  'governance',
  'search',
  'recruitment',
  'networks',
  'sectors',
  'entry',
  'resourcing',
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export interface Rng {
  /** Uniform in [0, 1). */
  (): number;
}

export type Streams = Record<StreamName, Rng>;

export function makeStream(seed: number, name: string): Rng {
  const prng = seedrandom.alea(`gvc-abm/${seed}/${name}`);
  return () => prng();
}

export function makeStreams(seed: number): Streams {
  const streams = {} as Streams;
  for (const name of STREAM_NAMES) streams[name] = makeStream(seed, name);
  return streams;
}

/** Standard normal draw (Box–Muller; one of the pair is discarded to keep streams simple). */
export function normal(rng: Rng): number {
  let u = rng();
  while (u <= Number.MIN_VALUE) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Uniform integer in [0, n). */
export function randomIndex(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

export function bernoulli(rng: Rng, p: number): boolean {
  return rng() < p;
}

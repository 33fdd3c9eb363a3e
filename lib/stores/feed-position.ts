/**
 * Positions in the revocation feed (the `feed` GSI sort key): `<epoch ms, 15 digits>#<random>`.
 * They sort as strings in write order. Writers take them from a hybrid logical clock
 * (max(own clock, last position + 1 ms), see the revocation store), so a writer whose clock is behind
 * never writes behind records that readers may already have passed.
 */
const MS_DIGITS = 15;

export const encodePosition = (ms: number, suffix: string): string =>
  `${String(Math.max(0, Math.floor(ms))).padStart(MS_DIGITS, '0')}#${suffix}`;

/** A bound that sorts before every position of this millisecond and after every earlier one. */
export const positionBound = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(MS_DIGITS, '0');

export function positionMs(position: string): number {
  const ms = Number(position.slice(0, MS_DIGITS));
  return Number.isFinite(ms) ? ms : 0;
}

export const laterPosition = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b;

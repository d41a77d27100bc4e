/** A clock returns the current time in milliseconds since the epoch, like `Date.now`. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock frozen at one instant (tests, and judging old examples "as of" their own time). */
export function fixedClock(at: Date | number): Clock {
  const ms = typeof at === 'number' ? at : at.getTime();
  return () => ms;
}

/** Seconds since the epoch, as JWT NumericDate values are (RFC 7519 §2). */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock() / 1000);
}

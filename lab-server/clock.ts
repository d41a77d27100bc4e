/**
 * The lab server's clock, which a notebook may shift to show the iat/nbf/exp windows live
 * (`lab.clock.shift(70)`: the server now believes it is 70 s later). Every trace made while the clock
 * is shifted says so in a note, so a refusal is never mistaken for a real clock problem.
 */
export interface LabClock {
  /** Milliseconds since the epoch, as the server sees them (the base clock plus the shift). */
  readonly now: () => number;
  /** Moves the server's time by `seconds` (negative: back); shifts add up. */
  shift(seconds: number): void;
  /** Back to the base clock. */
  reset(): void;
  /** The current shift in seconds (0 when not shifted). */
  readonly offsetSeconds: number;
}

export function createLabClock(base: () => number = Date.now): LabClock {
  let offsetMs = 0;
  return {
    now: () => base() + offsetMs,
    shift(seconds) {
      if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new TypeError(`clock.shift needs a finite number of seconds, not ${String(seconds)}`);
      offsetMs += Math.round(seconds * 1000);
    },
    reset() {
      offsetMs = 0;
    },
    get offsetSeconds() {
      return offsetMs / 1000;
    },
  };
}

/** The trace note while the clock is shifted: "the server's clock runs 70 s ahead (…)". */
export function clockShiftNote(clock: LabClock): string | undefined {
  const offset = clock.offsetSeconds;
  if (offset === 0) return undefined;
  const direction = offset > 0 ? 'ahead' : 'behind';
  return `the lab server's clock is shifted: it runs ${Math.abs(offset)} s ${direction} (server time ${new Date(clock.now()).toISOString()}); lab.clock.reset() undoes it`;
}

/** The CPU priority of the warm grader's helpers (see WarmGraderOptions.lowPriority). */
import { constants, setPriority } from 'node:os';

/** Lowers a process (or, on Linux, the calling thread when `pid` is 0) to the lowest priority; where the system refuses, it stays as it was. */
export function lowerPriority(pid: number): void {
  try {
    setPriority(pid, constants.priority.PRIORITY_LOW);
  } catch {
    // A priority is a courtesy to the kernel beside; a check is no less right without it.
  }
}

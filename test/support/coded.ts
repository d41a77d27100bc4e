import { expect } from 'vitest';
import { CodedError } from '../../lib/errors.js';

/** Runs `run` and returns the code of the CodedError it throws (failing on any other error), or undefined. */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CodedError);
    return (error as CodedError).code;
  }
  return undefined;
}

/** The same for an operation that may be asynchronous: awaits it and returns the CodedError's code. */
export async function codeOfAsync(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(CodedError);
    return (error as CodedError).code;
  }
  return undefined;
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
/** What every `authlab` subcommand looks like: a name, one line of help, and a run function. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads a file named on the command line ("-" for standard input). */
  readFile: (path: string) => Promise<Buffer>;
}

export interface Command {
  /** The words after `authlab`, e.g. "jwt inspect". */
  name: string;
  summary: string;
  /** Full help text shown by `authlab <name> --help`. */
  help: string;
  run: (args: string[], io: CommandIO) => Promise<number>;
}

/** A usage error: printed with the command's help hint and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** node:util parseArgs with positionals allowed and unknown options refused as a usage error. */
type ParsedOptions<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T): ParsedOptions<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The single positional argument a command takes, or a usage error naming what was expected. */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`expected exactly one ${what}, got ${positionals.length}`);
  return positionals[0];
}

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

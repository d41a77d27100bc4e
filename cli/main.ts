import { readFile } from 'node:fs/promises';
import { type Command, type CommandIO, UsageError } from './command.js';
import { commands } from './commands/index.js';

const banner = `authlab: the client-auth-lab command line

Usage: authlab <command> [options]      authlab <command> --help
`;

function overview(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length), 8);
  const rows = list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `${banner}\nCommands:\n${rows.join('\n')}\n`;
}

/** Finds the longest command name that prefixes the argument list ("jwt inspect" before "jwt"). */
function findCommand(argv: string[], list: readonly Command[]): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; rest: string[] } | undefined;
  for (const command of list) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, rest: argv.slice(words.length) };
    }
  }
  return best;
}

export const processIO: CommandIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: async (path) => (path === '-' ? readStdin() : readFile(path)),
};

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Runs `authlab` with the given arguments and returns the exit code. */
export async function main(argv: string[], io: CommandIO = processIO, list: readonly Command[] = commands): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(overview(list));
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv, list);
  if (!found) {
    io.stderr(`authlab: unknown command '${argv.join(' ')}'\n\n${overview(list)}`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`authlab ${command.name}: ${error.message}\n(see: authlab ${command.name} --help)\n`);
      return 2;
    }
    const err = error as { code?: string; message?: string };
    io.stderr(`authlab ${command.name}: ${err.code ? `[${err.code}] ` : ''}${err.message ?? String(error)}\n`);
    return 1;
  }
}

/** Runs `authlab` in-process with a capturing io, reading files from disk. */
import { readFile } from 'node:fs/promises';
import type { CommandIO } from '../../cli/command.js';
import { main } from '../../cli/main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runAuthlab(argv: string[], stdin = ''): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readFile: async (path) => (path === '-' ? Buffer.from(stdin) : readFile(path)),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

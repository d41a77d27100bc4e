/**
 * The course's notebook files as the app reads and writes them: nbformat 4 JSON (nbformat docs, "The
 * Notebook file format"), validated before use, saved atomically in the layout Jupyter writes (one-space
 * indent, multi-line strings as lists of lines), and reverted to the committed version.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

export class NotebookFileError extends Error {
  override name = 'NotebookFileError';
  constructor(readonly code: 'ERR_NOTEBOOK_NAME' | 'ERR_NOTEBOOK_MISSING' | 'ERR_NOTEBOOK_JSON' | 'ERR_NOTEBOOK_FORMAT' | 'ERR_NOTEBOOK_WRITE' | 'ERR_NOTEBOOK_READONLY' | 'ERR_NO_ORIGINAL', message: string) {
    super(message);
  }
}

export interface NotebookCell {
  id?: string;
  cell_type: 'markdown' | 'code' | 'raw';
  metadata: Record<string, unknown> & { tags?: string[] };
  source: string | string[];
  outputs?: Record<string, unknown>[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** The course's editions: English at the top of notebooks/, each other one a sub-folder with the same file names. */
export type Edition = 'en' | 'ja';
export const EDITIONS: readonly Edition[] = ['en', 'ja'];

export interface Chapter {
  /** The file name, e.g. 03-client-assertions.ipynb. */
  file: string;
  /** The notebook's name in the app's URLs: the file stem, after its edition's folder (03-client-assertions, ja/03-client-assertions). */
  stem: string;
  /** The chapter the notebook teaches, the same in every edition (its exercises' chapter): 03-client-assertions. */
  chapter: string;
  edition: Edition;
  /** The text of the first heading of the first Markdown cell, or the stem. */
  title: string;
  /** Why the file cannot be opened, when it cannot. */
  problem: string | undefined;
}

/** A notebook name from a URL: a plain file name ending in .ipynb, nothing that walks out of the folder. */
export function notebookFile(dir: string, name: string): string {
  const file = name.endsWith('.ipynb') ? name : `${name}.ipynb`;
  const match = /^(?:(ja)\/)?([A-Za-z0-9][A-Za-z0-9._-]*\.ipynb)$/.exec(file);
  if (match === null || file.includes('..')) throw new NotebookFileError('ERR_NOTEBOOK_NAME', `'${name}' is not a notebook name`);
  return match[1] === undefined ? join(dir, match[2] as string) : join(dir, match[1], match[2] as string);
}

/** A notebook name's edition and chapter: ja/03-client-assertions → ja, 03-client-assertions. */
export function editionOf(name: string): { edition: Edition; chapter: string } {
  const stem = name.replace(/\.ipynb$/, '');
  return stem.startsWith('ja/') ? { edition: 'ja', chapter: stem.slice('ja/'.length) } : { edition: 'en', chapter: stem };
}

export function sourceText(source: string | string[] | undefined): string {
  return Array.isArray(source) ? source.join('') : (source ?? '');
}

/** Multi-line text as nbformat stores it: a list of lines, each keeping its newline. */
export function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

/** The nbformat 4 rules the app relies on; each failure names the field. */
export function validateNotebook(value: unknown): Notebook {
  const fail = (message: string): never => {
    throw new NotebookFileError('ERR_NOTEBOOK_FORMAT', `not an nbformat 4 notebook: ${message}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) return fail('the file is not a JSON object');
  if (value.nbformat !== 4) fail(`"nbformat" must be 4, got ${JSON.stringify(value.nbformat)}`);
  if (typeof value.nbformat_minor !== 'number') fail('"nbformat_minor" must be a number');
  if (!isObject(value.metadata)) fail('"metadata" must be an object');
  if (!Array.isArray(value.cells)) return fail('"cells" must be an array');
  const textual = (v: unknown): boolean => typeof v === 'string' || (Array.isArray(v) && v.every((l) => typeof l === 'string'));
  value.cells.forEach((cell: unknown, i: number) => {
    if (!isObject(cell)) return fail(`cells[${i}] is not an object`);
    if (cell.cell_type !== 'markdown' && cell.cell_type !== 'code' && cell.cell_type !== 'raw') fail(`cells[${i}].cell_type must be markdown, code or raw, got ${JSON.stringify(cell.cell_type)}`);
    if (!textual(cell.source)) fail(`cells[${i}].source must be a string or a list of strings`);
    if (!isObject(cell.metadata)) fail(`cells[${i}].metadata must be an object`);
    if (cell.cell_type === 'code') {
      if (!Array.isArray(cell.outputs)) fail(`cells[${i}].outputs must be an array`);
      if (cell.execution_count !== null && typeof cell.execution_count !== 'number') fail(`cells[${i}].execution_count must be a number or null`);
    }
    return undefined;
  });
  return value as unknown as Notebook;
}

export function parseNotebook(text: string, file: string): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NotebookFileError('ERR_NOTEBOOK_JSON', `${basename(file)} is not valid JSON (${(error as Error).message}); it is left untouched`);
  }
  try {
    return validateNotebook(value);
  } catch (error) {
    throw new NotebookFileError('ERR_NOTEBOOK_FORMAT', `${basename(file)}: ${(error as Error).message}; it is left untouched`);
  }
}

export function readNotebook(file: string): Notebook {
  if (!existsSync(file)) throw new NotebookFileError('ERR_NOTEBOOK_MISSING', `${basename(file)} does not exist`);
  return parseNotebook(readFileSync(file, 'utf8'), file);
}

/** The notebook in the layout Jupyter writes: sources and multi-line outputs as lists of lines, indent 1. */
export function formatNotebook(notebook: Notebook): string {
  const lines = (v: unknown): unknown => (typeof v === 'string' ? splitLines(v) : v);
  const cells = notebook.cells.map((cell) => {
    const out: NotebookCell = { ...cell, source: lines(cell.source) as string[] };
    if (cell.outputs !== undefined) {
      out.outputs = cell.outputs.map((o) => {
        const copy: Record<string, unknown> = { ...o };
        if (typeof copy.text === 'string') copy.text = splitLines(copy.text);
        if (typeof copy.data === 'object' && copy.data !== null) {
          copy.data = Object.fromEntries(Object.entries(copy.data as Record<string, unknown>).map(([type, value]) => [type, type.startsWith('text/') || type === 'image/svg+xml' ? lines(value) : value]));
        }
        return copy;
      });
    }
    return out;
  });
  return `${JSON.stringify({ ...notebook, cells }, null, 1)}\n`;
}

/**
 * Saves a notebook: the file on disk must itself be a readable notebook (a broken file is never
 * overwritten, so nothing the learner typed into it by hand is lost), then write-and-rename.
 */
export function saveNotebook(file: string, value: unknown): Notebook {
  const notebook = validateNotebook(value);
  const existing = existsSync(file) ? statSync(file) : undefined;
  if (existing !== undefined) readNotebook(file);
  // A file nobody may write was made read-only on purpose; the rename would replace it all the same
  // (and as root even a plain write goes through), so the permission bits themselves are the rule.
  if (existing !== undefined && (existing.mode & 0o222) === 0) {
    throw new NotebookFileError('ERR_NOTEBOOK_READONLY', `${basename(file)} is read-only (its permissions allow no writing); make it writable (chmod u+w) and save again`);
  }
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.saving`);
  try {
    writeFileSync(temporary, formatNotebook(notebook));
    // The saved file keeps the permissions the learner gave the old one.
    if (existing !== undefined) chmodSync(temporary, existing.mode & 0o7777);
    renameSync(temporary, file);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // what is left is not a file we wrote
    }
    throw new NotebookFileError('ERR_NOTEBOOK_WRITE', `${basename(file)} could not be written: ${(error as Error).message}`);
  }
  return notebook;
}

/** The committed text of a file: `git show HEAD:<path>`, or `pristineCopy` when there is one. */
export function originalText(file: string, pristineCopy?: string): string {
  if (pristineCopy !== undefined && existsSync(pristineCopy)) return readFileSync(pristineCopy, 'utf8');
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dirname(file), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return execFileSync('git', ['show', `HEAD:${relative(top, file).split('\\').join('/')}`], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    throw new NotebookFileError('ERR_NO_ORIGINAL', `no committed version of ${basename(file)} (not in git's HEAD, and no original copy)`);
  }
}

/** Puts the committed version back over the file and returns it. */
export function revertNotebook(file: string, pristineCopy?: string): Notebook {
  const text = originalText(file, pristineCopy);
  const notebook = parseNotebook(text, file);
  writeFileSync(file, text);
  return notebook;
}

function firstHeading(notebook: Notebook): string | undefined {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'markdown') continue;
    const match = /^#{1,6}\s+(.+?)\s*#*\s*$/m.exec(sourceText(cell.source));
    if (match) return match[1];
  }
  return undefined;
}

/** One edition's chapters (`dir` is notebooks/) in file order, with their titles, and a problem where a file cannot be read. */
export function listChapters(dir: string, edition: Edition = 'en'): Chapter[] {
  const folder = edition === 'en' ? dir : join(dir, edition);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((f) => f.endsWith('.ipynb') && !f.startsWith('.')).sort().map((file) => {
    const chapter = file.slice(0, -'.ipynb'.length);
    const stem = edition === 'en' ? chapter : `${edition}/${chapter}`;
    try {
      return { file, stem, chapter, edition, title: firstHeading(readNotebook(join(folder, file))) ?? chapter, problem: undefined };
    } catch (error) {
      return { file, stem, chapter, edition, title: chapter, problem: (error as Error).message };
    }
  });
}

/**
 * The course as the manifests describe it: every `exercises/NN-topic/manifest.json`, in folder order.
 * A manifest that breaks the format is a GraderError naming the file and the field, never a guess.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export type ExerciseSide = 'client' | 'server';

export interface ManifestExercise {
  id: string;
  file: string;
  title: string;
  points: number;
  side: ExerciseSide;
  hints: string[];
}

export interface ChapterManifest {
  chapter: string;
  title: string;
  exercises: ManifestExercise[];
}

export interface Exercise extends ManifestExercise {
  chapter: string;
  chapterTitle: string;
  /** The spec's file name, next to the exercise: `<base>.test.ts`. */
  spec: string;
  /** Position in the course, from 1. */
  order: number;
}

export interface Course {
  root: string;
  chapters: ChapterManifest[];
  exercises: Exercise[];
  maxPoints: number;
}

export class GraderError extends Error {
  override name = 'GraderError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const CHAPTER_FOLDER = /^\d\d-[a-z0-9-]+$/;

function fail(file: string, message: string): never {
  throw new GraderError('ERR_MANIFEST', `${file}: ${message}`);
}

function readChapter(folder: string, name: string): ChapterManifest {
  const file = join(folder, 'manifest.json');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(file, `not valid JSON (${(error as Error).message})`);
  }
  const m = data as Partial<ChapterManifest>;
  if (m.chapter !== name) fail(file, `"chapter" must be the folder name '${name}', got ${JSON.stringify(m.chapter)}`);
  if (typeof m.title !== 'string' || m.title === '') fail(file, '"title" must be a non-empty string');
  if (!Array.isArray(m.exercises) || m.exercises.length === 0) fail(file, '"exercises" must be a non-empty array');
  const prefix = name.slice(0, 2);
  const seen = new Set<string>();
  for (const [i, e] of m.exercises.entries()) {
    const at = `exercises[${i}]`;
    if (typeof e.file !== 'string' || !/^[a-z0-9-]+\.ts$/.test(e.file) || e.file.endsWith('.test.ts')) fail(file, `${at}.file must be a kebab-case .ts file name, got ${JSON.stringify(e.file)}`);
    const expectedId = `${prefix}-${basename(e.file, '.ts')}`;
    if (e.id !== expectedId) fail(file, `${at}.id must be '${expectedId}' (NN- + the file's base name), got ${JSON.stringify(e.id)}`);
    if (seen.has(e.id)) fail(file, `${at}.id '${e.id}' appears twice`);
    seen.add(e.id);
    if (typeof e.title !== 'string' || e.title === '') fail(file, `${at}.title must be a non-empty string`);
    if (typeof e.points !== 'number' || !Number.isFinite(e.points) || e.points <= 0) fail(file, `${at}.points must be a positive number, got ${JSON.stringify(e.points)}`);
    if (e.side !== 'client' && e.side !== 'server') fail(file, `${at}.side must be "client" or "server", got ${JSON.stringify(e.side)}`);
    if (!Array.isArray(e.hints) || e.hints.length < 2 || e.hints.length > 3 || !e.hints.every((h) => typeof h === 'string' && h !== '')) {
      fail(file, `${at}.hints must hold two or three non-empty strings`);
    }
  }
  return m as ChapterManifest;
}

/** Reads every chapter folder of `<root>/exercises` that has a manifest.json. */
export function loadCourse(root: string): Course {
  const base = join(root, 'exercises');
  const names = existsSync(base)
    ? readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory() && CHAPTER_FOLDER.test(d.name) && existsSync(join(base, d.name, 'manifest.json'))).map((d) => d.name).sort()
    : [];
  const chapters = names.map((name) => readChapter(join(base, name), name));
  const exercises: Exercise[] = [];
  for (const chapter of chapters) {
    for (const e of chapter.exercises) {
      exercises.push({ ...e, chapter: chapter.chapter, chapterTitle: chapter.title, spec: e.file.replace(/\.ts$/, '.test.ts'), order: exercises.length + 1 });
    }
  }
  return { root, chapters, exercises, maxPoints: exercises.reduce((sum, e) => sum + e.points, 0) };
}

/** Narrows the course to one chapter (by folder name or its NN prefix) or one exercise id. */
export function selectExercises(course: Course, selector?: string): Exercise[] {
  if (selector === undefined || selector === '') return course.exercises;
  const byId = course.exercises.filter((e) => e.id === selector);
  if (byId.length > 0) return byId;
  const byChapter = course.exercises.filter((e) => e.chapter === selector || e.chapter.slice(0, 2) === selector.padStart(2, '0'));
  if (byChapter.length > 0) return byChapter;
  const known = course.chapters.map((c) => c.chapter).join(', ');
  throw new GraderError('ERR_UNKNOWN_EXERCISE', `'${selector}' is neither an exercise id nor a chapter (chapters: ${known || 'none'})`);
}

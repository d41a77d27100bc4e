/** Puts one exercise back to its starting file: the version committed in git (`git show HEAD:exercises/…`). */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraderError, type Exercise } from './manifest.js';

/** Writes the starting file over the learner's copy and returns its path. */
export function resetExercise(root: string, exercise: Exercise): string {
  const path = `exercises/${exercise.chapter}/${exercise.file}`;
  let text: string;
  try {
    text = execFileSync('git', ['show', `HEAD:${path}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    throw new GraderError('ERR_NO_STARTING_FILE', `no starting version of ${path}: it is not committed in this git checkout`);
  }
  const file = join(root, path);
  writeFileSync(file, text);
  return file;
}

// `authlab check --reset <id>` puts one exercise back to its starting (committed) file.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCourseRoot, loadCourse } from '@client-auth-lab/grader';
import { runAuthlab } from '../cli/run.js';

const root = findCourseRoot();

describe('authlab check --reset', () => {
  it('accepts an exercise id and writes its starting file over the learner\'s edits', async () => {
    const exercise = loadCourse(root).exercises[0];
    if (exercise === undefined) throw new Error('no exercises');
    const file = join(root, 'exercises', exercise.chapter, exercise.file);
    const before = readFileSync(file, 'utf8');
    const committed = execFileSync('git', ['show', `HEAD:exercises/${exercise.chapter}/${exercise.file}`], { cwd: root, encoding: 'utf8' });
    try {
      writeFileSync(file, '// the learner typed here\n');
      const result = await runAuthlab(['check', '--reset', exercise.id]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Reset exercises/${exercise.chapter}/${exercise.file}`);
      expect(readFileSync(file, 'utf8')).toBe(committed);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('rejects --reset without an exercise id because it resets one exercise only (exit 2)', async () => {
    const result = await runAuthlab(['check', '--reset']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--reset needs one exercise id');
  });

  it('rejects --reset of an unknown id (exit 2)', async () => {
    const result = await runAuthlab(['check', '--reset', '99-nothing']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("not '99-nothing'");
  });
});

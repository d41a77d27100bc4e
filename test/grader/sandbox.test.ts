/**
 * Graded code runs under Node's permission model: it reads the grading tree, the lib, the lab server
 * and the installed packages, and never the reference solutions of the checkout it is graded in.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWarmGrader, findCourseRoot, grade, readableForGrading } from '@client-auth-lab/grader';

const root = findCourseRoot();
const work = join(root, '.lab', 'test-grader', `sandbox-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const solutionFile = join(root, 'solutions', '02-client-secrets', 'basic-header.ts');

describe('the grading sandbox', () => {
  it('rejects a submission that reads the solutions folder, because graded code may not read it', async () => {
    const chapterDir = join(work, 'cheater', 'exercises', '02-client-secrets');
    mkdirSync(chapterDir, { recursive: true });
    cpSync(join(root, 'exercises', '02-client-secrets'), chapterDir, { recursive: true });
    // Type-correct, so only the refused read can stop it; if the read worked, the text would reach the messages.
    writeFileSync(join(chapterDir, 'basic-header.ts'), [
      "import { readFileSync } from 'node:fs';",
      '',
      `const solution = readFileSync(${JSON.stringify(solutionFile)}, 'utf8');`,
      '',
      'export function basicAuthorization(clientId: string, clientSecret: string): string {',
      '  throw new Error(`${clientId}:${clientSecret}\\n${solution}`);',
      '}',
      '',
    ].join('\n'));

    const result = await grade({ root, dir: join(work, 'cheater'), select: '02-basic-header', perExerciseMs: 20_000 });
    const score = result.exercises[0];
    expect(score?.status, score?.reason).toBe('load-error');
    expect(score?.points).toBe(0);
    expect(score?.reason).toContain('ERR_ACCESS_DENIED');
    expect(score?.reason).toContain('never solutions/');
    const body = readFileSync(solutionFile, 'utf8').split('\n').filter((l) => l.trim().startsWith('return ')).map((l) => l.trim());
    expect(body.length, 'the solution has a return statement to look for').toBeGreaterThan(0);
    const output = JSON.stringify(result);
    for (const line of body) expect(output.includes(line), 'no solution text reaches the result').toBe(false);

    // The warm grader of the notebook app runs the same code under the same permissions.
    const warm = createWarmGrader({ root });
    try {
      const warmed = await grade({ root, dir: join(work, 'cheater'), select: '02-basic-header', perExerciseMs: 20_000, warm });
      const warmScore = warmed.exercises[0];
      expect(warmScore?.status, warmScore?.reason).toBe('load-error');
      expect(warmScore?.reason).toContain('ERR_ACCESS_DENIED');
      for (const line of body) expect(JSON.stringify(warmed).includes(line), 'no solution text reaches the warm result').toBe(false);
    } finally {
      await warm.close();
    }
  }, 120_000);

  it('allows the tree, the lib, the lab server and packages, but no solutions/ and no link into the checkout', () => {
    const tree = join(root, '.lab', 'grading', 'example');
    const readable = readableForGrading(root, tree);
    expect(readable).toEqual(expect.arrayContaining([tree, join(root, 'lib'), join(root, 'lab-server'), join(root, 'node_modules', 'vitest')]));
    expect(readable.filter((p) => p === root || p.startsWith(join(root, 'solutions')))).toEqual([]);
    // node_modules/@client-auth-lab/* are links to the workspace: `…/lib/../solutions` would lead out.
    expect(readable.filter((p) => p.startsWith(join(root, 'node_modules', '@client-auth-lab')))).toEqual([]);
  });
});

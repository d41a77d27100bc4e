/**
 * A class of four: one good submission, one that does not load (syntax error), one that hangs
 * (an endless loop), one with a type error that would still run. Each is graded on its own; the
 * broken ones score zero for the affected exercise with a reason, and never stop the others. Plus
 * the in-notebook check.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkChapter, findCourseRoot, gradebookCsv, grade, NOTEBOOK_APP_CHECK_ENV, parseTscOutput, renderCheckHtml, runGradebook, type CheckResult } from '@client-auth-lab/grader';

const root = findCourseRoot();
const work = join(root, '.lab', 'test-grader', `gradebook-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function submission(name: string, edit?: (chapterDir: string) => void): void {
  const chapterDir = join(work, 'class', name, 'exercises', '02-client-secrets');
  mkdirSync(chapterDir, { recursive: true });
  cpSync(join(root, 'solutions', '02-client-secrets'), chapterDir, { recursive: true });
  edit?.(chapterDir);
}

describe('gradebook', () => {
  it('grades a good, a non-loading, a hanging and a mistyped submission into a correct CSV', async () => {
    submission('alice');
    submission('bob', (dir) => writeFileSync(join(dir, 'parse-basic.ts'), `${readFileSync(join(dir, 'parse-basic.ts'), 'utf8')}\nexport const broken = ;\n`));
    submission('carol', (dir) => {
      const file = join(dir, 'secret-compare.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace('const a = createHash', 'for (;;) { /* spinning */ }\n  const a = createHash'));
    });
    // A type error that changes nothing at run time: the specs alone would give full marks.
    let typeErrorLine = 0;
    submission('dave', (dir) => {
      const file = join(dir, 'basic-header.ts');
      const lines = readFileSync(file, 'utf8').split('\n');
      typeErrorLine = lines.findIndex((l) => l.startsWith('export function basicAuthorization')) + 2;
      lines.splice(typeErrorLine - 1, 0, '  const label: string = 42;');
      writeFileSync(file, lines.join('\n'));
    });

    const book = await runGradebook(join(work, 'class'), { root, select: '02-client-secrets', perExerciseMs: 8_000, perSubmissionMs: 240_000, parallel: 2 });
    const csv = gradebookCsv(book);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('student,02-basic-header,02-parse-basic,02-secret-compare,total,reasons');
    expect(lines[1]).toBe('(max),4,4,2,10,');
    expect(lines[2]).toBe('alice,4,4,2,10,');
    // A syntax error is caught by the compiler first, with its line.
    expect(lines[3], csv).toMatch(/^bob,4,0,2,6,"?02-parse-basic: compile-error \(does not compile: exercises\/02-client-secrets\/parse-basic\.ts:\d+ — Expression expected \(TS1109\)\)/);
    expect(lines[4], csv).toMatch(/^carol,4,4,0,8,"?02-secret-compare: timeout \(did not finish within 8 s/);
    expect(lines[5], csv).toBe(`dave,0,4,2,6,02-basic-header: compile-error (does not compile: exercises/02-client-secrets/basic-header.ts:${typeErrorLine} — Type 'number' is not assignable to type 'string' (TS2322))`);
    expect(lines.length).toBe(6);
    const dave = book.rows.find((r) => r.student === 'dave')?.result?.exercises.find((e) => e.id === '02-basic-header');
    expect(dave?.status).toBe('compile-error');
    expect(dave?.tests, 'a file that does not compile earns no test points').toEqual([]);
  }, 300_000);

  it('rejects a type error only in the candidate file, because specs and support are the course\'s own', () => {
    const tree = '/grading/run';
    const output = [
      "02-client-secrets/basic-header.ts(14,9): error TS2322: Type 'number' is not assignable to type 'string'.",
      "02-client-secrets/basic-header.test.ts(3,10): error TS2305: Module './basic-header.js' has no exported member 'basicAuthorization'.",
      'support/lab.ts(1,1): error TS2307: Cannot find module \'x\'.',
      "/grading/run/02-client-secrets/basic-header.ts(20,3): error TS2304: Cannot find name 'nope'.",
      "  Type 'x' is not assignable to type 'y'.",
    ].join('\n');
    const errors = parseTscOutput(output, tree, new Set(['02-client-secrets/basic-header.ts']));
    expect([...errors.keys()]).toEqual(['02-client-secrets/basic-header.ts']);
    expect(errors.get('02-client-secrets/basic-header.ts')?.map((e) => [e.line, e.code])).toEqual([[14, 'TS2322'], [20, 'TS2304']]);
  });
});

describe('checkChapter', () => {
  it('grades one chapter and renders a table with the failures and a hint', async () => {
    const learner = join(work, 'learner');
    mkdirSync(join(learner, 'exercises'), { recursive: true });
    cpSync(join(root, 'exercises', '01-client-types'), join(learner, 'exercises', '01-client-types'), { recursive: true });
    cpSync(join(root, 'solutions', '01-client-types', 'grant-rules.ts'), join(learner, 'exercises', '01-client-types', 'grant-rules.ts'));

    const result = await checkChapter('01-client-types', { root, dir: learner });
    expect(result.exercises.map((e) => [e.id, e.status])).toEqual([['01-grant-rules', 'passed'], ['01-spa-registration', 'failed']]);
    const html = renderCheckHtml(result);
    expect(html).toContain('<table');
    expect(html.match(/<tr>/g)?.length).toBe(3);
    expect(html).toContain('01-spa-registration');
    expect(html).toContain('TODO: describe');
    expect(html).toContain('Hint: A public client does not authenticate at the token endpoint');
    expect(html).toContain('3/6 points');
  }, 120_000);

  describe('in the built-in app (NOTEBOOK_APP_CHECK_ENV set)', () => {
    let server: Server;
    let answer: (body: { chapter: string; root: string }) => { status: number; json: unknown } = () => ({ status: 503, json: {} });
    const asked: unknown[] = [];
    const serve = async (): Promise<string> => {
      server = createServer((req, res) => {
        let text = '';
        req.on('data', (d: Buffer) => (text += d.toString()));
        req.on('end', () => {
          const body = JSON.parse(text) as { chapter: string; root: string };
          asked.push({ method: req.method, type: req.headers['content-type'], body });
          const { status, json } = answer(body);
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        });
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/check`;
    };
    afterAll(async () => {
      delete process.env[NOTEBOOK_APP_CHECK_ENV];
      await new Promise((done) => server?.close(done));
    });

    it('accepts the app\'s answer: the chapter and this checkout are sent, and the app\'s grading is the result', async () => {
      process.env[NOTEBOOK_APP_CHECK_ENV] = await serve();
      // What the app's warm grader answers is a grading of this checkout's chapter; here one made beforehand.
      const graded = await grade({ root, select: '00-welcome', solutions: true });
      answer = () => ({ status: 200, json: { result: graded } });
      const result = await checkChapter('00-welcome');
      expect(asked.at(-1)).toEqual({ method: 'POST', type: 'application/json', body: { chapter: '00-welcome', root } });
      expect(result).toEqual(JSON.parse(JSON.stringify(graded)) as CheckResult);
    }, 120_000);

    it('rejects delegating when the app grades another checkout (409) and grades here instead, with the same verdicts a one-shot grading gives', async () => {
      answer = (body) => ({ status: 409, json: { error: 'ERR_OTHER_CHECKOUT', message: `not ${body.root}` } });
      const before = asked.length;
      const result = await checkChapter('00-welcome');
      expect(asked.length).toBe(before + 1);
      const oneShot = await grade({ root, select: '00-welcome' });
      expect(result.exercises.map((e) => [e.id, e.status, e.points])).toEqual(oneShot.exercises.map((e) => [e.id, e.status, e.points]));
    }, 120_000);

    it('rejects delegating when options other than the defaults are given because the app grades only the learner\'s working copy', async () => {
      answer = () => ({ status: 500, json: {} });
      const before = asked.length;
      const learner = join(work, 'learner-options');
      mkdirSync(join(learner, 'exercises'), { recursive: true });
      cpSync(join(root, 'solutions', '00-welcome'), join(learner, 'exercises', '00-welcome'), { recursive: true });
      const result = await checkChapter('00-welcome', { root, dir: learner });
      expect(asked.length).toBe(before);
      expect(result.exercises.every((e) => e.status === 'passed')).toBe(true);
    }, 120_000);
  });
});


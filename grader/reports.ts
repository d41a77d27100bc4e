/** The grade as JSON, JUnit XML and GitHub Classroom's autograding result. */
import { roundPoints, type GradeResult } from './grade.js';

/** The JSON report: the whole result, points rounded to two decimals. */
export function toJsonReport(result: GradeResult): string {
  const round = <T extends { points: number; maxPoints: number }>(x: T): T => ({ ...x, points: roundPoints(x.points), maxPoints: roundPoints(x.maxPoints) });
  return `${JSON.stringify({
    ...round(result),
    chapters: result.chapters.map(round),
    exercises: result.exercises.map((e) => ({ ...round(e), tests: e.tests.map(round) })),
  }, null, 2)}\n`;
}

function xml(text: string): string {
  // XML 1.0 has no escape for most control characters: drop them (ANSI colour codes included).
  return text
    .replace(/\u001b\[[0-9;]*m/g, '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one testsuite per exercise, one testcase per test (or one failing case when the file did not run). */
export function toJUnitXml(result: GradeResult): string {
  const suites = result.exercises.map((e) => {
    const cases = e.tests.length > 0
      ? e.tests.map((t) => `    <testcase classname="${xml(e.id)}" name="${xml(t.name)}" time="${(t.durationMs / 1000).toFixed(3)}">${t.passed ? '' : `\n      <failure message="${xml((t.message ?? 'failed').split('\n')[0] ?? '')}">${xml(t.message ?? 'failed')}</failure>\n    `}</testcase>`)
      : [`    <testcase classname="${xml(e.id)}" name="${xml(e.title)}" time="${(e.durationMs / 1000).toFixed(3)}">\n      <error type="${e.status}" message="${xml(e.reason ?? e.status)}"/>\n    </testcase>`];
    const failures = e.tests.filter((t) => !t.passed).length;
    const errors = e.tests.length === 0 ? 1 : 0;
    return `  <testsuite name="${xml(`${e.id}: ${e.title}`)}" tests="${Math.max(1, e.tests.length)}" failures="${failures}" errors="${errors}" time="${(e.durationMs / 1000).toFixed(3)}">\n    <properties>\n      <property name="points" value="${roundPoints(e.points)}"/>\n      <property name="maxPoints" value="${roundPoints(e.maxPoints)}"/>\n    </properties>\n${cases.join('\n')}\n  </testsuite>`;
  });
  const tests = result.exercises.reduce((s, e) => s + Math.max(1, e.tests.length), 0);
  const failures = result.exercises.reduce((s, e) => s + e.tests.filter((t) => !t.passed).length, 0);
  const errors = result.exercises.filter((e) => e.tests.length === 0).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="client-auth-lab" tests="${tests}" failures="${failures}" errors="${errors}" time="${(result.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export interface ClassroomTest {
  name: string;
  status: 'pass' | 'fail' | 'error';
  message: string | null;
  test_code: string;
  filename: string;
  line_no: number;
  execution_time: string;
  score: number;
}

/** The result a GitHub Classroom grader step publishes (base64 in its `result` output) for the grading reporter. */
export interface ClassroomResult {
  version: 1;
  status: 'pass' | 'fail' | 'error';
  max_score: number;
  tests: ClassroomTest[];
}

/** One Classroom test per spec test, each carrying its share of the exercise's points as `score`. */
export function toClassroomResult(result: GradeResult): ClassroomResult {
  const tests: ClassroomTest[] = result.exercises.flatMap((e): ClassroomTest[] => {
    const filename = `exercises/${e.chapter}/${e.file}`;
    const testCode = `authlab check ${e.id}`;
    if (e.tests.length === 0) {
      return [{ name: `${e.id}: ${e.title}`, status: 'error' as const, message: e.reason ?? e.status, test_code: testCode, filename, line_no: 0, execution_time: `${(e.durationMs / 1000).toFixed(2)}s`, score: 0 }];
    }
    return e.tests.map((t) => ({
      name: `${e.id}: ${t.name}`,
      status: t.passed ? ('pass' as const) : ('fail' as const),
      message: t.passed ? null : (t.message ?? 'failed'),
      test_code: testCode,
      filename,
      line_no: 0,
      execution_time: `${(t.durationMs / 1000).toFixed(2)}s`,
      score: roundPoints(t.points),
    }));
  });
  const status = tests.some((t) => t.status === 'error') ? 'error' : tests.every((t) => t.status === 'pass') ? 'pass' : 'fail';
  return { version: 1, status, max_score: roundPoints(result.maxPoints), tests };
}

/** The line a Classroom step appends to $GITHUB_OUTPUT: `result=<base64 JSON>`. */
export function classroomOutputLine(result: GradeResult): string {
  return `result=${Buffer.from(JSON.stringify(toClassroomResult(result))).toString('base64')}\n`;
}

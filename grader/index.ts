// The public API of @client-auth-lab/grader. Every name is exported explicitly.
export { loadCourse, selectExercises, GraderError } from './manifest.js';
export type { Course, ChapterManifest, Exercise, ManifestExercise, ExerciseSide } from './manifest.js';
export { findCourseRoot, exercisesFolderOf } from './paths.js';
export { buildGradingTree, removeGradingTree, newRunId } from './tree.js';
export type { CandidateSource, GradingTree, TreeOptions } from './tree.js';
export { runSpecs } from './runner.js';
export type { FileOutcome, FileStatus, RunOptions, TestEvent } from './runner.js';
export { grade, scoreExercise, sharePoints, summarise, roundPoints } from './grade.js';
export type { GradeOptions, GradeResult, ExerciseScore, ExerciseStatus, ChapterScore, TestScore } from './grade.js';
export { toJsonReport, toJUnitXml, toClassroomResult, classroomOutputLine } from './reports.js';
export type { ClassroomResult, ClassroomTest } from './reports.js';
export { formatExercise, formatGrade } from './text.js';
export { readProgress, writeProgress, recordResults, nextUnsolved, progressBar, progressFile } from './progress.js';
export type { Progress } from './progress.js';
export { runGradebook, gradebookCsv } from './gradebook.js';
export type { Gradebook, GradebookOptions, GradebookRow } from './gradebook.js';
export { checkChapter, renderCheckHtml } from './notebook.js';
export type { CheckResult } from './notebook.js';

/**
 * The ordered record of what a verification looked at. The server puts it in its traces and the
 * notebooks render it, so a learner sees every rule that was applied, not only the one that failed.
 */
import { OAuthError, type OAuthErrorCode } from './errors.js';

export interface Check {
  /** Short name of the rule, e.g. "aud" or "signature". */
  name: string;
  passed: boolean;
  /** What was found, in plain words. */
  detail: string;
  /** Where the rule is written, e.g. "RFC 7523 §3 (3)". */
  spec?: string;
}

export interface Failure {
  code: string;
  error?: OAuthErrorCode;
  status?: number;
}

export class CheckLog {
  readonly checks: Check[] = [];
  /** Added to every error thrown from this log (set once Basic was seen, RFC 6749 §5.2). */
  wwwAuthenticate: string | undefined;

  pass(name: string, detail: string, spec?: string): void {
    this.checks.push(spec === undefined ? { name, passed: true, detail } : { name, passed: true, detail, spec });
  }

  /** Records a failed check and throws the matching OAuth error (invalid_client unless told otherwise). */
  fail(name: string, detail: string, spec: string, failure: Failure): never {
    this.checks.push({ name, passed: false, detail, spec });
    throw new OAuthError(failure.error ?? 'invalid_client', failure.code, detail, {
      spec,
      checks: this.checks,
      ...(failure.status === undefined ? {} : { status: failure.status }),
      ...(this.wwwAuthenticate === undefined ? {} : { wwwAuthenticate: this.wwwAuthenticate }),
    });
  }

  /** One guard clause: passes with `passed`, or fails with `failed` and the error. */
  require(
    condition: boolean,
    name: string,
    spec: string,
    failure: Failure,
    passed: string,
    failed: () => string,
  ): void {
    if (condition) this.pass(name, passed, spec);
    else this.fail(name, failed(), spec, failure);
  }
}

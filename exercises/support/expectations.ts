/**
 * Teaching assertions for exercise specs. Each one fails with the rule, its spec section, what was
 * expected and what the learner's code produced, so the message alone says what to fix.
 *
 *   expectRule(got, expected, 'RFC 6749 §2.3.1', 'the client_id and secret are form-urlencoded before Base64');
 *   await expectCode(() => parse('Basic !!'), 'ERR_BASIC_BASE64', 'RFC 7617 §2', 'the token must be strict Base64');
 *   expectTokenResponse(response, trace);       // a 200 with an access_token from the lab
 */
import { expect } from 'vitest';

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The message format every spec uses: "<section>: <rule>; expected <x>, got <y>". */
export function ruleMessage(section: string, rule: string, expected?: unknown, got?: unknown): string {
  const tail = arguments.length >= 3 ? `; expected ${show(expected)}, got ${show(got)}` : '';
  return `${section}: ${rule}${tail}`;
}

/** Deep equality, failing with the rule, the section, and expected vs got. */
export function expectRule<T>(got: T, expected: T, section: string, rule: string): void {
  expect(got, ruleMessage(section, rule, expected, got)).toEqual(expected);
}

/** A boolean rule: `condition` must hold. */
export function expectTrue(condition: boolean, section: string, rule: string, got?: unknown): void {
  expect(condition, arguments.length >= 4 ? ruleMessage(section, rule, 'a value satisfying the rule', got) : ruleMessage(section, rule)).toBe(true);
}

/**
 * `action` must throw (or reject with) an error whose `code` (or, for OAuth errors, `error`) is `code`.
 * A "TODO" error from an untouched exercise fails with a message that says so.
 */
export async function expectCode(action: () => unknown, code: string, section: string, rule: string): Promise<void> {
  let thrown: unknown;
  let threw = false;
  try {
    await action();
  } catch (error) {
    threw = true;
    thrown = error;
  }
  expect(threw, ruleMessage(section, `${rule}: this input must be refused`, `an error with code ${code}`, 'no error')).toBe(true);
  const err = thrown as { code?: unknown; error?: unknown; message?: unknown };
  if (typeof err?.message === 'string' && err.message.startsWith('TODO')) {
    expect.fail(ruleMessage(section, `${rule} (the exercise still throws "${err.message}")`, code, 'TODO'));
  }
  const got = err?.code ?? err?.error;
  expect(got, ruleMessage(section, rule, code, got ?? String(err?.message ?? err))).toBe(code);
}

/** Runs `action`, failing with a teaching message (instead of a bare stack) if it throws. */
export async function expectNoThrow<T>(action: () => T | Promise<T>, section: string, rule: string): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const err = error as { code?: string; message?: string };
    return expect.fail(ruleMessage(section, `${rule}; your code threw ${err.code === undefined ? '' : `[${err.code}] `}${err.message ?? String(error)}`));
  }
}

/** A lab token response: 200 with an access_token. `trace` (formatTrace output) explains a refusal. */
export function expectTokenResponse(response: { status: number; body: unknown }, trace: string, section: string, rule: string): void {
  const body = response.body as Record<string, unknown> | string;
  const summary = typeof body === 'object' && body !== null && 'error' in body ? `${String(body.error)}: ${String(body.error_description)}` : show(body);
  expect(response.status, `${ruleMessage(section, rule, 200, `${response.status} ${summary}`)}\nThe lab's trace:\n${trace}`).toBe(200);
  expect(typeof body === 'object' && body !== null && typeof body.access_token === 'string', ruleMessage(section, 'a token response carries access_token (RFC 6749 §5.1)')).toBe(true);
}

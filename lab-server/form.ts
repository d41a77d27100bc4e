/**
 * Reading request bodies so that every refusal is a proper OAuth error and nothing is merged or
 * dropped silently: application/x-www-form-urlencoded parsed by the platform's URLSearchParams
 * (WHATWG URL §5.1), with the strictness of RFC 6749 Appendix B on top (invalid percent-encoding and
 * octets that are not UTF-8 refused, repeated parameters kept as arrays so RFC 6749 §3.2 can refuse
 * them), and JSON for registration (RFC 7591 §3.1). Size, content type and UTF-8 are checked first.
 */
import type { IncomingMessage } from 'node:http';
import { OAuthError, type OAuthErrorCode } from '@client-auth-lab/lib';

export type FormParameters = Record<string, string | string[]>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function refuse(code: string, description: string, spec: string, error: OAuthErrorCode = 'invalid_request'): never {
  throw new OAuthError(error, code, description, { spec, status: 400 });
}

/** The media type of a Content-Type header, lower-cased, and its charset parameter if any. */
export function mediaTypeOf(header: string | undefined): { type: string; charset: string | undefined } {
  if (header === undefined) return { type: '', charset: undefined };
  const [type = '', ...parameters] = header.split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=', 2);
    if (name.trim().toLowerCase() === 'charset') charset = value.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

/** Reads the whole body, refusing more than `limit` bytes (the declared length is checked first). */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    return Promise.reject(tooLarge(Number(declared), limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error === undefined) resolve(Buffer.concat(chunks, total));
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        // Keep draining so the client can read the refusal; the connection is closed afterwards.
        req.resume();
        finish(tooLarge(total, limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish();
    // A client that goes away mid-body: nothing will be answered, but nothing must hang either.
    const onClose = (): void => finish(new OAuthError('invalid_request', 'ERR_BODY_READ', 'the connection closed before the whole body arrived', { status: 400 }));
    const onError = (error: Error): void => finish(new OAuthError('invalid_request', 'ERR_BODY_READ', `the request body could not be read: ${error.message}`, { status: 400 }));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function tooLarge(size: number, limit: number): OAuthError {
  return new OAuthError('invalid_request', 'ERR_BODY_TOO_LARGE', `the request body (${size} bytes or more) is larger than the ${limit} bytes this server accepts`, { status: 400 });
}

function decodeUtf8(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return refuse('ERR_BODY_NOT_UTF8', `the ${what} is not valid UTF-8`, 'RFC 6749 Appendix B');
  }
}

const BROKEN_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const REPLACEMENT = /\uFFFD|%EF%BF%BD/gi;

/** URLSearchParams keeps '%zz' as text and turns octets that are not UTF-8 into U+FFFD; the lab refuses both. */
function refuseLenientDecoding(text: string, decodedReplacements: number): void {
  const broken = text.split('&').find((pair) => BROKEN_PERCENT.test(pair));
  // U+FFFD the text did not spell out (as itself or %EF%BF%BD) stands for octets that are not UTF-8.
  const notUtf8 = decodedReplacements > (text.match(REPLACEMENT)?.length ?? 0);
  if (broken === undefined && !notUtf8) return;
  const at = broken ?? text.split('&').find((pair) => new URLSearchParams(pair).toString().includes('%EF%BF%BD')) ?? '';
  refuse('ERR_FORM_ENCODING', `the form parameter '${at.split('=')[0]?.slice(0, 40)}' is not valid percent-encoded UTF-8`, 'RFC 6749 Appendix B');
}

/**
 * Parses application/x-www-form-urlencoded text with URLSearchParams ('+' is a space, %XX an octet of
 * UTF-8); a parameter without a value is treated as omitted (RFC 6749 §3.1); a repeated one becomes an array.
 * U+0000 (%00) is refused: no parameter syntax of RFC 6749 Appendix A admits it.
 */
export function parseFormUrlEncoded(text: string): FormParameters {
  const form: FormParameters = Object.create(null) as FormParameters;
  const mayBeLenient = text.includes('%');
  let replacements = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    if (mayBeLenient) replacements += (name + value).split('\uFFFD').length - 1;
    if (name.includes('\u0000') || value.includes('\u0000')) {
      refuse('ERR_FORM_NUL', `the form parameter '${name.replaceAll('\u0000', '%00').slice(0, 40)}' holds U+0000 (%00), which no OAuth parameter's syntax admits`, 'RFC 6749 Appendix A');
    }
    if (value === '') continue;
    const existing = form[name];
    if (existing === undefined) form[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else form[name] = [existing, value];
  }
  if (mayBeLenient) refuseLenientDecoding(text, replacements);
  return form;
}

/** Reads an application/x-www-form-urlencoded body (RFC 6749 §3.2: the token endpoint's only format). */
export async function readForm(req: IncomingMessage, limit: number): Promise<FormParameters> {
  const { type, charset } = mediaTypeOf(req.headers['content-type']);
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    refuse('ERR_CONTENT_TYPE', `the request must be application/x-www-form-urlencoded, not ${type === '' ? 'without a Content-Type' : type}`, 'RFC 6749 §3.2; RFC 6749 Appendix B');
  }
  if (charset !== undefined && charset !== 'utf-8') {
    req.resume();
    refuse('ERR_CHARSET', `the form must be UTF-8, not ${charset}`, 'RFC 6749 Appendix B');
  }
  const body = await readRequestBody(req, limit);
  return parseFormUrlEncoded(decodeUtf8(body, 'form body'));
}

/** Reads a JSON object body (RFC 7591 §3.1). Malformed JSON is invalid_client_metadata. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const { type, charset } = mediaTypeOf(req.headers['content-type']);
  if (type !== 'application/json') {
    req.resume();
    refuse('ERR_CONTENT_TYPE', `client metadata must be sent as application/json, not ${type === '' ? 'without a Content-Type' : type}`, 'RFC 7591 §3.1');
  }
  if (charset !== undefined && charset !== 'utf-8') {
    req.resume();
    refuse('ERR_CHARSET', `JSON must be UTF-8, not ${charset}`, 'RFC 8259 §8.1');
  }
  const body = await readRequestBody(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8(body, 'JSON body'));
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    return refuse('ERR_JSON', `the body is not valid JSON: ${(error as Error).message}`, 'RFC 7591 §3.1; RFC 8259', 'invalid_client_metadata');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    refuse('ERR_METADATA_NOT_OBJECT', 'the registration request body must be a JSON object of client metadata', 'RFC 7591 §3.1', 'invalid_client_metadata');
  }
  const unstorable = unstorableTextIn(value);
  if (unstorable !== undefined) {
    refuse('ERR_METADATA_TEXT', `the client metadata ${unstorable}; such text could not be stored and given back unchanged, as the registration response must (RFC 7591 §3.2.1)`, 'RFC 7591 §3.2.1; RFC 7591 §3.2.2; RFC 8259 §8.2', 'invalid_client_metadata');
  }
  return value as Record<string, unknown>;
}

/** A lone UTF-16 surrogate: JSON's \uD800 escape without its pair, not a Unicode character (RFC 8259 §8.2). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where a parsed JSON value holds U+0000 or a lone surrogate, in a member name or a string, if anywhere. */
function unstorableTextIn(value: unknown, path = ''): string | undefined {
  const problem = (text: string): string | undefined => (text.includes('\u0000') ? 'U+0000' : LONE_SURROGATE.test(text) ? 'an unpaired surrogate (RFC 8259 §8.2)' : undefined);
  if (typeof value === 'string') {
    const found = problem(value);
    return found === undefined ? undefined : `value ${path === '' ? '' : `of ${path} `}holds ${found}`;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, member] of Object.entries(value)) {
    const found = problem(key);
    if (found !== undefined) return `member name ${JSON.stringify(key).slice(0, 40)} holds ${found}`;
    const inner = unstorableTextIn(member, Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** One value of a parameter, refusing repetition (RFC 6749 §3.2: parameters MUST NOT be included more than once). */
export function singleParameter(form: FormParameters, name: string): string | undefined {
  const value = form[name];
  if (Array.isArray(value)) refuse('ERR_PARAMETER_REPEATED', `the parameter ${name} appears more than once; request parameters MUST NOT be repeated`, 'RFC 6749 §3.2');
  return value;
}

/** Query parameters of a URL as a form (for the authorization endpoint, RFC 6749 §3.1). */
export function queryParameters(url: string): FormParameters {
  const question = url.indexOf('?');
  return question === -1 ? (Object.create(null) as FormParameters) : parseFormUrlEncoded(url.slice(question + 1));
}

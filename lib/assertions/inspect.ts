/**
 * Looking inside a JWT the way a learner wants to: decoded header and payload, whether the signature
 * verifies with a given key, and every problem with its times, judged at a stated instant.
 */
import type { KeyObject } from 'node:crypto';
import type { Jwk } from '../client-auth/types.js';
import { decodeCompactJwt } from './compact-jwt.js';
import { isAsymmetricAlgorithm, isHmacAlgorithm } from './algorithms.js';
import { publicKeyFromJwk, selectVerificationKeys } from './keys.js';
import { verifyAsymmetricSignature, verifyHmacSignature } from './signature.js';

export type SignatureStatus = 'valid' | 'invalid' | 'unchecked';

export interface JwtProblem {
  code: string;
  message: string;
}

export interface JwtInspection {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: SignatureStatus;
  /** Why the signature is what it is (which key, or why it was not checked). */
  signatureDetail: string;
  problems: JwtProblem[];
  /** The instant the time claims were judged at. */
  judgedAt: string;
}

export interface InspectOptions {
  /** A public JWK or JWK Set to verify with; or an HMAC secret. */
  key?: Jwk | { keys: Jwk[] };
  secret?: string;
  /** Milliseconds since the epoch (default: now). */
  now?: number;
  /** Claims the JWT is expected to carry (default: iss, sub, aud, exp, jti, as a client assertion). */
  requiredClaims?: readonly string[];
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

function describeDelta(seconds: number): string {
  const abs = Math.abs(seconds);
  const unit = abs < 120 ? `${abs} s` : abs < 7200 ? `${Math.round(abs / 60)} min` : abs < 172_800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} days`;
  return seconds >= 0 ? `in ${unit}` : `${unit} ago`;
}

export function inspectJwt(compact: string, options: InspectOptions = {}): JwtInspection {
  const decoded = decodeCompactJwt(compact.replace(/\s+/g, ''));
  const { header, payload } = decoded;
  const nowMs = options.now ?? Date.now();
  const now = Math.floor(nowMs / 1000);
  const problems: JwtProblem[] = [];
  const alg = header.alg;

  let signature: SignatureStatus = 'unchecked';
  let signatureDetail = 'no key was given, so the signature was not checked';
  if (alg === 'none') {
    problems.push({ code: 'alg_none', message: 'alg is none: the JWT is unsigned and proves nothing' });
    signature = 'invalid';
    signatureDetail = 'an unsigned JWT has no signature to verify';
  } else if (options.secret !== undefined && isHmacAlgorithm(alg)) {
    signature = verifyHmacSignature(alg, options.secret, decoded.signingInput, decoded.signature) ? 'valid' : 'invalid';
    signatureDetail = `${alg} MAC checked with the given secret`;
  } else if (options.key !== undefined) {
    if (!isAsymmetricAlgorithm(alg)) {
      signature = 'invalid';
      signatureDetail = `alg ${String(alg)} cannot be verified with a public key`;
    } else {
      const given = options.key as { keys?: unknown };
      const keys: Jwk[] = Array.isArray(given.keys) ? (given.keys as Jwk[]) : [options.key as Jwk];
      const kid = typeof header.kid === 'string' ? header.kid : undefined;
      const candidates = selectVerificationKeys(keys, alg, kid);
      const ok = candidates.find((jwk) => {
        // A key pair file may be given: only its public members are used.
        const { kty, crv, x, y, n, e } = jwk;
        const key: KeyObject = publicKeyFromJwk({ kty, crv, x, y, n, e } as Jwk);
        return verifyAsymmetricSignature(alg, key, decoded.signingInput, decoded.signature);
      });
      signature = ok !== undefined ? 'valid' : 'invalid';
      signatureDetail = candidates.length === 0
        ? `none of the ${keys.length} given key(s) fits alg ${alg}${kid === undefined ? '' : ` and kid '${kid}'`}`
        : ok !== undefined ? `${alg} signature verifies with the given key${ok.kid === undefined ? '' : ` '${ok.kid}'`}` : `${alg} signature does not verify with the given key(s)`;
    }
  }
  if (signature === 'invalid' && alg !== 'none') problems.push({ code: 'bad_signature', message: signatureDetail });

  for (const claim of options.requiredClaims ?? ['iss', 'sub', 'aud', 'exp', 'jti']) {
    if (payload[claim] === undefined) problems.push({ code: `missing_${claim}`, message: `the ${claim} claim is missing` });
  }
  const { exp, nbf, iat } = payload;
  for (const [name, value] of [['exp', exp], ['nbf', nbf], ['iat', iat]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      problems.push({ code: 'invalid_claim_type', message: `${name} ${JSON.stringify(value)} is not a NumericDate (RFC 7519 §2)` });
    }
  }
  if (typeof exp === 'number' && exp <= now) {
    problems.push({ code: 'expired', message: `expired at ${iso(exp)} (${describeDelta(exp - now)})` });
  }
  if (typeof nbf === 'number' && nbf > now) {
    problems.push({ code: 'not_yet_valid', message: `not valid before ${iso(nbf)} (${describeDelta(nbf - now)})` });
  }
  if (typeof iat === 'number' && iat > now) {
    problems.push({ code: 'iat_in_future', message: `issued at ${iso(iat)}, ${describeDelta(iat - now)}` });
  }
  return { header, payload, signature, signatureDetail, problems, judgedAt: new Date(nowMs).toISOString() };
}

/** Renders an inspection as text, times shown as dates and relative to the judging instant. */
export function formatJwtInspection(inspection: JwtInspection): string {
  const now = Math.floor(Date.parse(inspection.judgedAt) / 1000);
  const withTimes = (obj: Record<string, unknown>) =>
    Object.entries(obj).map(([k, v]) => {
      const when = ['exp', 'nbf', 'iat'].includes(k) && typeof v === 'number' ? `   (${iso(v)}, ${describeDelta(v - now)})` : '';
      return `  ${k.padEnd(8)} ${JSON.stringify(v)}${when}`;
    });
  return [
    'Header',
    ...withTimes(inspection.header),
    'Payload',
    ...withTimes(inspection.payload),
    `Signature  ${inspection.signature}: ${inspection.signatureDetail}`,
    `Judged at  ${inspection.judgedAt}`,
    inspection.problems.length === 0 ? 'Problems   none' : 'Problems',
    ...inspection.problems.map((p) => `  ${p.code.padEnd(20)} ${p.message}`),
    '',
  ].join('\n');
}

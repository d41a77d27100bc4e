/**
 * The rules a client assertion must meet (RFC 7523 §3, RFC 7521 §4.2, OIDC Core §9), as a flat list of
 * guard clauses. Used by client_secret_jwt (HMAC with the client secret) and private_key_jwt
 * (a registered public key). Nothing in the JWT is trusted before its signature is verified,
 * and the jti is recorded only once everything else has passed.
 */
import type { CheckLog } from '../checks.js';
import { CodedError } from '../errors.js';
import type { AuthorizationServerContext, ClientAuthRequest, RegisteredClient } from '../client-auth/types.js';
import { decodeCompactJwt, type DecodedJwt } from './compact-jwt.js';
import { isAsymmetricAlgorithm, isHmacAlgorithm, type AsymmetricAlgorithm, type HmacAlgorithm } from './algorithms.js';
import { AUDIENCE_INJECTION_SPEC, judgeAudience } from './audience.js';
import { keySizeInBits, publicKeyFromJwk, selectVerificationKeys } from './keys.js';
import { verifyAsymmetricSignatureAsync, verifyHmacSignature } from './signature.js';
import { checkFapiClientAuthentication } from '../profiles/fapi.js';
import { epochSeconds } from '../clock.js';

export const JWT_BEARER_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The explicit type RFC 10070 §4 registers for client assertions (draft-ietf-oauth-rfc7523bis until November 2026). */
export const CLIENT_AUTHENTICATION_JWT_TYPE = 'client-authentication+jwt';

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** One hour, inclusive: the lifetime common client libraries (Authlib among them) give their assertions. */
export const DEFAULT_MAX_ASSERTION_LIFETIME_SECONDS = 3600;

/**
 * The `typ` values a client assertion may carry: none at all, the generic `JWT` (RFC 7519 §5.1), or the
 * explicit type of RFC 10070 §4. Compared case-insensitively, with or without the
 * `application/` prefix (RFC 7515 §4.1.9). With `requireExplicit`, only the explicit type passes.
 */
export type TypJudgement = { accepted: true; detail: string } | { accepted: false; detail: string; code: string };

export function judgeAssertionTyp(typ: unknown, requireExplicit = false): TypJudgement {
  const media = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
  if (media === CLIENT_AUTHENTICATION_JWT_TYPE) return { accepted: true, detail: `typ is ${String(typ)}, the explicit type of a client assertion` };
  if (requireExplicit) {
    return {
      accepted: false,
      code: 'ERR_ASSERTION_TYP_REQUIRED',
      detail: `typ ${typ === undefined ? 'is absent' : JSON.stringify(typ)}; this server is configured to require typ '${CLIENT_AUTHENTICATION_JWT_TYPE}' (an option the draft allows but does not recommend)`,
    };
  }
  if (typ === undefined) return { accepted: true, detail: 'no typ header (allowed: rejecting untyped assertions is NOT RECOMMENDED)' };
  if (media === 'jwt') return { accepted: true, detail: `typ is ${String(typ)}, the generic JWT type (allowed)` };
  return {
    accepted: false,
    code: 'ERR_ASSERTION_TYP',
    detail: `typ ${JSON.stringify(typ)} marks a different kind of JWT; a client assertion may carry no typ, 'JWT' or '${CLIENT_AUTHENTICATION_JWT_TYPE}'`,
  };
}

/** Header parameters that would let the sender choose the verification key; never honoured (RFC 8725 §3.10). */
const KEY_CARRYING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];

export type AssertionMethod = 'client_secret_jwt' | 'private_key_jwt';

export function readSingleParameter(request: ClientAuthRequest, name: string): string | undefined {
  const value = request.body[name];
  return Array.isArray(value) ? undefined : value;
}

/** Decodes the client_assertion parameter, turning a malformed JWT into invalid_client. */
export function decodeClientAssertion(request: ClientAuthRequest, log: CheckLog): DecodedJwt {
  const compact = readSingleParameter(request, 'client_assertion') ?? '';
  try {
    const decoded = decodeCompactJwt(compact);
    log.pass('client_assertion', 'client_assertion is a compact JWS with a JSON header and payload', 'RFC 7515 §7.1');
    return decoded;
  } catch (error) {
    const coded = error as CodedError;
    return log.fail('client_assertion', `client_assertion is not a usable JWT: ${coded.message}`, coded.spec ?? 'RFC 7523 §3', {
      code: coded.code ?? 'ERR_JWT_MALFORMED',
    });
  }
}

/**
 * Verifies the assertion for `client`, which was found by the assertion's sub/iss.
 * Returns the decoded header and payload.
 */
export async function verifyClientAssertion(
  method: AssertionMethod,
  request: ClientAuthRequest,
  client: RegisteredClient,
  server: AuthorizationServerContext,
  log: CheckLog,
  decoded: DecodedJwt = decodeClientAssertion(request, log),
): Promise<DecodedJwt> {
  const now = epochSeconds(server.clock);
  const tolerance = server.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const maxLifetime = server.maxAssertionLifetimeSeconds ?? DEFAULT_MAX_ASSERTION_LIFETIME_SECONDS;
  const { header, payload } = decoded;
  const alg = header.alg;

  // --- header ---------------------------------------------------------------------------------
  log.require(typeof alg === 'string' && alg !== 'none', 'alg', 'RFC 7518 §3.6; OIDC Discovery §3',
    { code: 'ERR_ASSERTION_ALG_NONE' },
    `alg is ${String(alg)}`,
    () => (alg === 'none' ? 'alg is none: an unsigned assertion proves nothing and is never accepted' : 'the JWT header has no alg'));
  if (method === 'client_secret_jwt') {
    log.require(isHmacAlgorithm(alg), 'alg family', 'OIDC Core §9',
      { code: 'ERR_ASSERTION_ALG_METHOD' },
      `${String(alg)} is an HMAC algorithm, as client_secret_jwt requires`,
      () => `client_secret_jwt assertions are MACed with the client secret (HS256/HS384/HS512); ${String(alg)} is not an HMAC algorithm`);
  } else {
    log.require(isAsymmetricAlgorithm(alg), 'alg family', 'OIDC Core §9',
      { code: 'ERR_ASSERTION_ALG_METHOD' },
      `${String(alg)} is an asymmetric algorithm, as private_key_jwt requires`,
      () => `private_key_jwt assertions are signed with the client's private key; ${String(alg)} is not an asymmetric JWS algorithm`);
  }
  const registeredAlg = client.token_endpoint_auth_signing_alg;
  if (registeredAlg !== undefined) {
    log.require(alg === registeredAlg, 'registered alg', 'OIDC Dynamic Client Registration §2 (token_endpoint_auth_signing_alg)',
      { code: 'ERR_ASSERTION_ALG_NOT_REGISTERED' },
      `alg ${String(alg)} is the client's registered token_endpoint_auth_signing_alg`,
      () => `alg ${String(alg)} is not the client's registered token_endpoint_auth_signing_alg ${registeredAlg}; requests signed otherwise MUST be rejected`);
  }
  if (server.profile?.algorithms !== undefined) {
    const [violation] = checkFapiClientAuthentication(server.profile, { alg: alg as string });
    log.require(violation === undefined, 'profile alg', violation?.spec ?? server.profile.algorithmsSpec ?? '',
      { code: 'ERR_PROFILE_ALG' },
      `${String(alg)} is allowed by ${server.profile.title}`,
      () => violation?.detail ?? '');
  }
  const typJudgement = judgeAssertionTyp(header.typ, server.requireExplicitTyp === true);
  log.require(typJudgement.accepted, 'typ', 'RFC 10070 §4; RFC 7519 §5.1; RFC 8725 §3.11',
    { code: typJudgement.accepted ? 'ERR_ASSERTION_TYP' : typJudgement.code },
    typJudgement.detail, () => typJudgement.detail);
  log.require(header.crit === undefined, 'crit', 'RFC 7515 §4.1.11',
    { code: 'ERR_ASSERTION_CRIT' },
    'no crit header',
    () => `the JWT marks extensions ${JSON.stringify(header.crit)} as critical, which this server does not understand`);
  const carried = KEY_CARRYING_HEADERS.filter((h) => h in header);
  if (carried.length > 0) {
    log.pass('embedded keys ignored', `header parameter(s) ${carried.join(', ')} ignored: the key always comes from the client's registration, never from the JWT itself`, 'RFC 8725 §3.10');
  }

  // --- signature ------------------------------------------------------------------------------
  if (method === 'client_secret_jwt') {
    await verifyHmacAssertionSignature(client, server, decoded, log, now);
  } else {
    await verifyAsymmetricAssertionSignature(client, server, decoded, log);
  }

  // --- claims (RFC 7523 §3) --------------------------------------------------------------------
  const { iss, sub, aud, exp, nbf, iat, jti } = payload;
  log.require(iss === client.client_id, 'iss', 'RFC 7523 §3 (1); OIDC Core §9',
    { code: 'ERR_ASSERTION_ISS' },
    `iss is the client_id '${client.client_id}'`,
    () => `iss ${JSON.stringify(iss)} is not the client_id '${client.client_id}'; a client assertion is issued by the client itself`);
  log.require(sub === client.client_id, 'sub', 'RFC 7523 §3 (2)(B); OIDC Core §9',
    { code: 'ERR_ASSERTION_SUB' },
    `sub is the client_id '${client.client_id}'`,
    () => `sub ${JSON.stringify(sub)} is not the client_id '${client.client_id}'; for client authentication the subject MUST be the client_id`);
  // Interop: the issuer, the token endpoint (plain and mTLS alias) and the endpoint being called; never another endpoint.
  const endpoints = [server.tokenEndpoint, server.mtlsTokenEndpoint, request.endpointUrl].filter((u): u is string => typeof u === 'string');
  const plainStringSpec = server.profile?.audienceAsStringSpec;
  const judgement = judgeAudience(aud, server.audiencePolicy, {
    issuer: server.issuer, endpoints: [...new Set(endpoints)], ...(plainStringSpec === undefined ? {} : { plainStringSpec }),
  });
  log.require(judgement.accepted, 'aud', judgement.spec, { code: 'ERR_ASSERTION_AUD' }, judgement.detail, () => judgement.detail);
  if (judgement.otherMembers !== undefined) {
    log.pass('aud other members', `aud also names ${judgement.otherMembers.map((m) => `'${m}'`).join(', ')}: an audience-injection risk (whoever those name could present this assertion here), accepted in interop mode and closed by the strict policy`, AUDIENCE_INJECTION_SPEC);
  }

  log.require(typeof exp === 'number' && Number.isFinite(exp), 'exp present', 'RFC 7523 §3 (4)',
    { code: exp === undefined ? 'ERR_ASSERTION_EXP_MISSING' : 'ERR_ASSERTION_CLAIM_TYPE' },
    'exp is a NumericDate',
    () => (exp === undefined ? 'the assertion has no exp claim; exp is required' : `exp ${JSON.stringify(exp)} is not a NumericDate (a number of seconds)`));
  const expiry = exp as number;
  log.require(now < expiry + tolerance, 'exp', 'RFC 7523 §3 (4)',
    { code: 'ERR_ASSERTION_EXPIRED' },
    `exp ${isoOf(expiry)} is ${expiry - now} s ahead (tolerance ${tolerance} s)`,
    () => `the assertion expired at ${isoOf(expiry)}, ${now - expiry} s before the server's clock (${isoOf(now)}; tolerance ${tolerance} s)`);
  const futureLimit = Math.min(tolerance, server.profile?.futureSkewRejectSeconds ?? tolerance);
  // Under FAPI 2.0 the future-skew window is the profile's own rule (FAPI 2.0 Security Profile §5.3.2.1).
  const skewSpec = (claim: string) => (server.profile?.skewSpec === undefined ? claim : `${claim}; ${server.profile.skewSpec}`);
  const ahead = (t: number) => (t > now ? `is ${t - now} s in the future, within the ${futureLimit} s tolerance` : 'is not in the future');
  if (nbf !== undefined) {
    log.require(typeof nbf === 'number' && Number.isFinite(nbf), 'nbf type', 'RFC 7519 §4.1.5',
      { code: 'ERR_ASSERTION_CLAIM_TYPE' }, 'nbf is a NumericDate', () => `nbf ${JSON.stringify(nbf)} is not a NumericDate`);
    log.require((nbf as number) <= now + futureLimit, 'nbf', skewSpec('RFC 7523 §3 (5)'),
      { code: 'ERR_ASSERTION_NOT_YET_VALID' },
      `nbf ${isoOf(nbf as number)} ${(nbf as number) > now ? ahead(nbf as number) : 'has passed'}`,
      () => `the assertion is not valid before ${isoOf(nbf as number)}, ${(nbf as number) - now} s after the server's clock (tolerance ${futureLimit} s)`);
  }
  if (iat !== undefined) {
    log.require(typeof iat === 'number' && Number.isFinite(iat), 'iat type', 'RFC 7519 §4.1.6',
      { code: 'ERR_ASSERTION_CLAIM_TYPE' }, 'iat is a NumericDate', () => `iat ${JSON.stringify(iat)} is not a NumericDate`);
    log.require((iat as number) <= now + futureLimit, 'iat', skewSpec('RFC 7523 §3 (6)'),
      { code: 'ERR_ASSERTION_IAT_FUTURE' },
      `iat ${isoOf(iat as number)} ${ahead(iat as number)}`,
      () => `iat ${isoOf(iat as number)} is ${(iat as number) - now} s in the future (tolerance ${futureLimit} s)`);
  }
  const lifetime = expiry - (typeof iat === 'number' ? iat : now);
  // Inclusive: an assertion made to live exactly the maximum (an hour by default) passes.
  log.require(lifetime <= maxLifetime, 'lifetime', 'RFC 7523 §3 (4): the AS may limit how far in the future exp is',
    { code: 'ERR_ASSERTION_LIFETIME' },
    `lifetime ${lifetime} s is within the ${maxLifetime} s allowed`,
    () => `the assertion is valid for ${lifetime} s, longer than the ${maxLifetime} s this server allows`);
  log.require(typeof jti === 'string' && jti.length > 0, 'jti present', 'OIDC Core §9; RFC 7523 §3 (7)',
    { code: 'ERR_ASSERTION_JTI_MISSING' },
    `jti is '${String(jti)}'`,
    () => (jti === undefined ? 'the assertion has no jti; this server requires one (OIDC Core §9) to refuse replays' : `jti ${JSON.stringify(jti)} is not a non-empty string`));

  // --- replay: last, so that a forged or broken assertion cannot use up a jti -------------------
  const fresh = await server.replayStore.insertIfAbsent(client.client_id, jti as string, (expiry + tolerance) * 1000, server.clock());
  log.require(fresh, 'jti unused', 'RFC 7523 §3 (7); OIDC Core §9',
    { code: 'ERR_ASSERTION_REPLAYED' },
    `jti '${String(jti)}' has not been seen before; recorded until exp`,
    () => `jti '${String(jti)}' was already used: an assertion may be used only once`);
  return decoded;
}

async function verifyHmacAssertionSignature(
  client: RegisteredClient,
  server: AuthorizationServerContext,
  decoded: DecodedJwt,
  log: CheckLog,
  now: number,
): Promise<void> {
  const secret = client.client_secret;
  log.require(typeof secret === 'string' && secret.length > 0, 'client_secret', 'OIDC Core §9 (client_secret_jwt)',
    { code: 'ERR_CLIENT_NO_SECRET' },
    'the client has a secret to verify the MAC with',
    () => `client '${client.client_id}' has no client_secret, so client_secret_jwt cannot be verified`);
  const expiresAt = client.client_secret_expires_at ?? 0;
  log.require(expiresAt === 0 || now < expiresAt, 'client_secret_expires_at', 'RFC 7591 §3.2.1',
    { code: 'ERR_CLIENT_SECRET_EXPIRED' },
    expiresAt === 0 ? 'the client secret does not expire' : `the client secret is valid until ${isoOf(expiresAt)}`,
    () => `the client secret expired at ${isoOf(expiresAt)}`);
  const alg = decoded.header.alg as HmacAlgorithm;
  const needed = Number(alg.slice(2));
  const bits = Buffer.byteLength(secret as string, 'utf8') * 8;
  log.require(bits >= needed, 'secret length', 'RFC 7518 §3.2; OIDC Core §16.19',
    { code: 'ERR_CLIENT_SECRET_TOO_SHORT' },
    `the client secret has ${bits} bits, at least the ${needed} ${alg} needs`,
    () => `a key of the same size as the hash output (${needed} bits) or larger MUST be used with ${alg}; this client secret has only ${bits} bits`);
  const valid = verifyHmacSignature(alg, secret as string, decoded.signingInput, decoded.signature);
  log.require(valid, 'signature', 'RFC 7515 §5.2; RFC 7518 §3.2',
    { code: 'ERR_ASSERTION_SIGNATURE' },
    `the ${String(decoded.header.alg)} MAC verifies with the client secret`,
    () => `the ${String(decoded.header.alg)} MAC does not verify with the client secret`);
}

async function verifyAsymmetricAssertionSignature(
  client: RegisteredClient,
  server: AuthorizationServerContext,
  decoded: DecodedJwt,
  log: CheckLog,
): Promise<void> {
  const alg = decoded.header.alg as AsymmetricAlgorithm;
  const kid = decoded.header.kid;
  log.require(kid === undefined || (typeof kid === 'string' && kid.length <= 256), 'kid', 'RFC 7515 §4.1.4',
    { code: 'ERR_ASSERTION_KID' }, kid === undefined ? 'no kid header' : `kid is '${String(kid)}'`,
    () => `kid must be a string of at most 256 characters`);
  const resolve = async (refresh: boolean) => {
    try {
      return await server.jwks.keysFor(client, { refresh });
    } catch (error) {
      const coded = error as CodedError;
      return log.fail('client keys', coded.message, coded.spec ?? 'RFC 7591 §2 (jwks, jwks_uri)', { code: coded.code ?? 'ERR_JWKS_FETCH' });
    }
  };
  let resolved = await resolve(false);
  let candidates = selectVerificationKeys(resolved.keys, alg, kid as string | undefined);
  if (candidates.length === 0 && resolved.source === 'jwks_uri') {
    // An unknown kid may mean the client rotated its keys: fetch the set again (OIDC Core §10.1.1).
    resolved = await resolve(true);
    candidates = selectVerificationKeys(resolved.keys, alg, kid as string | undefined);
  }
  log.require(candidates.length > 0, 'key', 'RFC 7515 §4.1.4; RFC 7517 §4',
    { code: 'ERR_ASSERTION_KEY_NOT_FOUND' },
    `${candidates.length} key(s) in the client's ${resolved.source} fit ${kid === undefined ? '' : `kid '${String(kid)}' and `}${alg}`,
    () => `no key in the client's ${resolved.source} (${resolved.keys.length} key(s)) fits ${kid === undefined ? '' : `kid '${String(kid)}' and `}alg ${alg}`);
  let verifiedWith: { kid: string | undefined; bits: number; type: string } | undefined;
  for (const jwk of candidates) {
    let key;
    try {
      key = publicKeyFromJwk(jwk);
    } catch (error) {
      const coded = error as CodedError;
      log.fail('key', coded.message, coded.spec ?? 'RFC 7517 §4', { code: coded.code });
    }
    if (await verifyAsymmetricSignatureAsync(alg, key, decoded.signingInput, decoded.signature)) {
      verifiedWith = { kid: jwk.kid, bits: keySizeInBits(key), type: jwk.kty };
      break;
    }
  }
  log.require(verifiedWith !== undefined, 'signature', 'RFC 7515 §5.2; RFC 7523 §3 (9)',
    { code: 'ERR_ASSERTION_SIGNATURE' },
    `the ${alg} signature verifies with ${verifiedWith?.kid === undefined ? 'a registered key' : `key '${verifiedWith.kid}'`}`,
    () => `the ${alg} signature does not verify with any of the ${candidates.length} candidate key(s) registered by the client`);
  const key = verifiedWith as { bits: number; type: string };
  // The profile's own rule first, so a FAPI server names the FAPI clause (FAPI 1.0 Part 1 §5.2.2 (5)).
  if (server.profile !== undefined) {
    const [violation] = checkFapiClientAuthentication(server.profile, { key: { type: key.type as 'RSA', bits: key.bits } });
    log.require(violation === undefined, 'profile key size', violation?.spec ?? server.profile.keySizeSpec,
      { code: 'ERR_PROFILE_KEY_SIZE' },
      `${key.type} key of ${key.bits} bits meets ${server.profile.title}`,
      () => violation?.detail ?? '');
  }
  log.require(key.type !== 'RSA' || key.bits >= 2048, 'key size', 'RFC 7518 §3.3',
    { code: 'ERR_KEY_TOO_SMALL' },
    `${key.type} key of ${key.bits} bits`,
    () => `RSA keys used with ${alg} must be 2048 bits or larger; this one has ${key.bits}`);
}

/** Recent answers of isoOf: the claims of assertions arriving together name the same few seconds. */
const isoCache = new Map<number, string>();

function isoOf(seconds: number): string {
  const cached = isoCache.get(seconds);
  if (cached !== undefined) return cached;
  const date = new Date(seconds * 1000);
  const iso = Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace('.000Z', 'Z');
  if (isoCache.size >= 256) isoCache.clear();
  isoCache.set(seconds, iso);
  return iso;
}

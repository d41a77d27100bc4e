/**
 * RFC 7523 §2.1: a JWT as the authorization grant. Unlike a client assertion (§2.2), its subject is
 * the resource owner the token is for, and its issuer is whoever vouches for that: here the client
 * itself (signing with a key it registered) or an issuer configured as trusted. The two uses are
 * orthogonal: the client authenticated separately, by its own method.
 */
import {
  CodedError, decodeCompactJwt, isAsymmetricAlgorithm, judgeAudience, publicKeyFromJwk, selectVerificationKeys, verifyAsymmetricSignature,
  type DecodedJwt, type Jwk,
} from '@client-auth-lab/lib';
import { singleParameter } from '../form.js';
import { checkScope, issueTokens } from '../tokens.js';
import { epochNow, type GrantHandler } from './types.js';

const TOLERANCE_SECONDS = 30;

export const jwtBearerGrant: GrantHandler = async (x, { client }, form) => {
  const { log, ctx } = x;
  const assertion = singleParameter(form, 'assertion');
  log.require(assertion !== undefined, 'assertion present', 'RFC 7523 §2.1', { code: 'ERR_GRANT_ASSERTION_MISSING', error: 'invalid_request' },
    'the assertion parameter is present', () => 'the jwt-bearer grant needs the assertion parameter (a single JWT)');
  let decoded: DecodedJwt | undefined;
  let problem = '';
  try {
    decoded = decodeCompactJwt(assertion as string);
  } catch (error) {
    problem = (error as CodedError).message;
  }
  log.require(decoded !== undefined, 'assertion JWT', 'RFC 7523 §3', { code: 'ERR_GRANT_ASSERTION_MALFORMED', error: 'invalid_grant' },
    'the assertion is a compact JWS', () => `the assertion is not a usable JWT: ${problem}`);
  const { header, payload, signingInput, signature } = decoded as DecodedJwt;
  const { alg } = header;
  log.require(isAsymmetricAlgorithm(alg), 'grant alg', 'RFC 7523 §3 (9); RFC 7518 §3.1', { code: 'ERR_GRANT_ASSERTION_ALG', error: 'invalid_grant' },
    `alg ${String(alg)} is an asymmetric signature algorithm`, () => `alg ${JSON.stringify(alg)} is not accepted: the grant must be signed with an issuer's private key (never none, never a MAC)`);

  // iss: who vouches for the resource owner (RFC 7523 §3 (1)).
  const { iss, sub, aud, exp, nbf, jti } = payload;
  const trusted = ctx.config.trustedIssuers.find((t) => t.issuer === iss);
  let keys: Jwk[] | undefined;
  if (trusted !== undefined) keys = trusted.jwks.keys;
  else if (client !== undefined && iss === client.client_id && (client.jwks !== undefined || client.jwks_uri !== undefined)) {
    try {
      keys = (await ctx.server.jwks.keysFor(client)).keys;
    } catch (error) {
      // RFC 7521 §4.1.1: a grant assertion that cannot be verified, for whatever reason, is invalid_grant.
      const coded = error as CodedError;
      log.fail('grant issuer keys', coded.message, 'RFC 7521 §4.1.1; RFC 7523 §3 (9)', { code: coded.code ?? 'ERR_JWKS_FETCH', error: 'invalid_grant' });
    }
  }
  log.require(keys !== undefined, 'grant issuer', 'RFC 7523 §3 (1)', { code: 'ERR_GRANT_ISSUER_UNKNOWN', error: 'invalid_grant' },
    trusted !== undefined ? `iss '${String(iss)}' is a trusted assertion issuer` : `iss is the client '${String(iss)}' itself, verified with its registered keys`,
    () => `iss ${JSON.stringify(iss)} is neither a trusted assertion issuer nor this client with registered keys`);
  const candidates = selectVerificationKeys(keys as Jwk[], alg as never, typeof header.kid === 'string' ? header.kid : undefined);
  const verified = candidates.some((jwk) => {
    try {
      return verifyAsymmetricSignature(alg as never, publicKeyFromJwk(jwk), signingInput, signature);
    } catch {
      return false;
    }
  });
  log.require(verified, 'grant signature', 'RFC 7523 §3 (9); RFC 7515 §5.2', { code: 'ERR_GRANT_ASSERTION_SIGNATURE', error: 'invalid_grant' },
    `the signature verifies with a key of '${String(iss)}'`, () => `no key of '${String(iss)}' (${candidates.length} candidate(s) for ${String(alg)}) verifies the signature`);

  // sub: the resource owner the token is for (RFC 7523 §3 (2)(A)).
  const user = ctx.config.users.find((u) => u.sub === sub);
  log.require(user !== undefined, 'grant sub', 'RFC 7523 §3 (2)(A)', { code: 'ERR_GRANT_SUBJECT_UNKNOWN', error: 'invalid_grant' },
    `sub '${String(sub)}' is the resource owner (a lab user), not the client`,
    () => `sub ${JSON.stringify(sub)} is not a user this server knows (${ctx.config.users.map((u) => u.sub).join(', ')}); for this grant sub names the resource owner`);

  const plainStringSpec = ctx.config.profile?.audienceAsStringSpec;
  const judgement = judgeAudience(aud, ctx.config.audiencePolicy, {
    issuer: ctx.config.issuer, endpoints: [ctx.server.tokenEndpoint, ...(ctx.server.mtlsTokenEndpoint === undefined ? [] : [ctx.server.mtlsTokenEndpoint])],
    ...(plainStringSpec === undefined ? {} : { plainStringSpec }),
  });
  log.require(judgement.accepted, 'grant aud', judgement.spec, { code: 'ERR_GRANT_ASSERTION_AUD', error: 'invalid_grant' }, judgement.detail, () => judgement.detail);
  const now = epochNow(x);
  log.require(typeof exp === 'number' && now < exp + TOLERANCE_SECONDS, 'grant exp', 'RFC 7523 §3 (4)', { code: 'ERR_GRANT_ASSERTION_EXPIRED', error: 'invalid_grant' },
    `exp is ${Number(exp) - now} s ahead`, () => (typeof exp === 'number' ? `the assertion expired ${now - exp} s ago` : 'the assertion has no numeric exp claim'));
  if (nbf !== undefined) {
    log.require(typeof nbf === 'number' && nbf <= now + TOLERANCE_SECONDS, 'grant nbf', 'RFC 7523 §3 (5)', { code: 'ERR_GRANT_ASSERTION_NOT_YET_VALID', error: 'invalid_grant' },
      'nbf has passed', () => `the assertion is not valid before ${String(nbf)}`);
  }
  if (jti !== undefined) {
    const fresh = typeof jti === 'string' && await ctx.store.replay.insertIfAbsent(`jwt-bearer:${String(iss)}`, jti, ((exp as number) + TOLERANCE_SECONDS) * 1000, ctx.config.now());
    log.require(fresh, 'grant jti', 'RFC 7523 §3 (7)', { code: 'ERR_GRANT_ASSERTION_REPLAYED', error: 'invalid_grant' },
      `jti '${String(jti)}' has not been used before`, () => `jti ${JSON.stringify(jti)} was already used (or is not a string)`);
  }
  const scope = checkScope(x, client, singleParameter(form, 'scope'));
  return issueTokens(x, { client, grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', sub: sub as string, ...(scope === undefined ? {} : { scope }), refreshToken: false });
};

import { describe, it } from 'vitest';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { verifyAssertionClaims, type ClaimCheckOptions } from './verify-claims.js';

const NOW = 1_760_000_000;
const ISSUER = 'https://as.example';
const TOKEN = 'https://as.example/token';
const OPTIONS: ClaimCheckOptions = { clientId: 'client-9', audiences: [ISSUER, TOKEN], now: NOW };

/** A payload that passes every rule; each vector below changes what it needs. */
function good(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const payload: Record<string, unknown> = { iss: 'client-9', sub: 'client-9', aud: TOKEN, jti: 'jti-1', iat: NOW, exp: NOW + 60, ...changes };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete payload[name];
  return payload;
}

type Vector = [rule: string, payload: Record<string, unknown>, code: string, section: string, options?: Partial<ClaimCheckOptions>];

const REFUSED: Vector[] = [
  ['iss is another client', good({ iss: 'client-8' }), 'ERR_ASSERTION_ISS', 'RFC 7523 §3 (1)'],
  ['iss is missing', good({ iss: undefined }), 'ERR_ASSERTION_ISS', 'RFC 7523 §3 (1)'],
  ['sub is a user, not the client (that is the jwt-bearer grant, RFC 7523 §2.1)', good({ sub: 'alice' }), 'ERR_ASSERTION_SUB', 'RFC 7523 §3 (2)'],
  ['aud is another server', good({ aud: 'https://other.example/token' }), 'ERR_ASSERTION_AUD', 'RFC 7523 §3 (3)'],
  ['aud differs only by a trailing slash (no normalisation)', good({ aud: `${ISSUER}/` }), 'ERR_ASSERTION_AUD', 'RFC 7523 §3 (3)'],
  ['aud is an empty array', good({ aud: [] }), 'ERR_ASSERTION_AUD', 'RFC 7519 §4.1.3'],
  ['aud is an array holding a number', good({ aud: [TOKEN, 7] }), 'ERR_ASSERTION_AUD', 'RFC 7519 §4.1.3'],
  ['aud is missing', good({ aud: undefined }), 'ERR_ASSERTION_AUD', 'RFC 7523 §3 (3)'],
  ['exp is missing', good({ exp: undefined }), 'ERR_ASSERTION_EXP_MISSING', 'RFC 7523 §3 (4)'],
  ['exp is a string', good({ exp: String(NOW + 60) }), 'ERR_ASSERTION_CLAIM_TYPE', 'RFC 7519 §2'],
  ['nbf is a date string', good({ nbf: '2025-10-09T08:53:20Z' }), 'ERR_ASSERTION_CLAIM_TYPE', 'RFC 7519 §2'],
  ['iat is null', good({ iat: null }), 'ERR_ASSERTION_CLAIM_TYPE', 'RFC 7519 §2'],
  ['exp passed more than the tolerance ago', good({ iat: NOW - 120, exp: NOW - 31 }), 'ERR_ASSERTION_EXPIRED', 'RFC 7523 §3 (4)'],
  ['nbf is more than the tolerance ahead', good({ nbf: NOW + 31 }), 'ERR_ASSERTION_NOT_YET_VALID', 'RFC 7523 §3 (5)'],
  ['iat is more than the tolerance ahead', good({ iat: NOW + 31, exp: NOW + 90 }), 'ERR_ASSERTION_IAT_FUTURE', 'RFC 7523 §3 (6)'],
  ['exp is a day after iat', good({ exp: NOW + 86_400 }), 'ERR_ASSERTION_LIFETIME', 'RFC 7523 §3 (4)'],
  ['exp is far ahead and there is no iat', good({ iat: undefined, exp: NOW + 3_601 }), 'ERR_ASSERTION_LIFETIME', 'RFC 7523 §3 (4)'],
  ['jti is missing', good({ jti: undefined }), 'ERR_ASSERTION_JTI_MISSING', 'OIDC Core §9'],
  ['jti is empty', good({ jti: '' }), 'ERR_ASSERTION_JTI_MISSING', 'OIDC Core §9'],
  ['jti is a number', good({ jti: 42 }), 'ERR_ASSERTION_JTI_MISSING', 'OIDC Core §9'],
  ['the tolerance is set to 0 and exp is now', good({ exp: NOW }), 'ERR_ASSERTION_EXPIRED', 'RFC 7523 §3 (4)', { toleranceSeconds: 0 }],
  ['the server allows only 30 s of lifetime', good({ exp: NOW + 60 }), 'ERR_ASSERTION_LIFETIME', 'RFC 7523 §3 (4)', { maxLifetimeSeconds: 30 }],
];

describe('verifyAssertionClaims', () => {
  it('accepts a well-formed assertion and returns its jti and exp', async () => {
    const got = await expectNoThrow(() => verifyAssertionClaims(good(), OPTIONS), 'RFC 7523 §3', 'every rule holds for this payload');
    expectRule(got, { jti: 'jti-1', exp: NOW + 60 }, 'RFC 7523 §3 (7)', 'the replay check needs jti and exp');
  });

  it('accepts aud as the issuer, the token endpoint, or an array holding one of them', async () => {
    for (const aud of [ISSUER, TOKEN, ['https://elsewhere.example', ISSUER], [TOKEN]]) {
      await expectNoThrow(() => verifyAssertionClaims(good({ aud }), OPTIONS), 'RFC 7523 §3 (3)', `aud ${JSON.stringify(aud)} names this server`);
    }
  });

  it('accepts a one-hour assertion, the lifetime common client libraries use, at the inclusive limit', async () => {
    await expectNoThrow(() => verifyAssertionClaims(good({ exp: NOW + 3_600 }), OPTIONS), 'RFC 7523 §3 (4)', 'exp − iat = 3,600 s is within the default limit');
    await expectNoThrow(() => verifyAssertionClaims(good({ iat: undefined, exp: NOW + 3_600 }), OPTIONS), 'RFC 7523 §3 (4)', 'exp − now = 3,600 s is within the default limit');
  });

  it('accepts an assertion without iat and nbf, and with fractional NumericDates', async () => {
    await expectNoThrow(() => verifyAssertionClaims(good({ iat: undefined }), OPTIONS), 'RFC 7523 §3 (6)', 'iat is optional');
    await expectNoThrow(() => verifyAssertionClaims(good({ iat: NOW - 0.5, nbf: NOW - 0.5, exp: NOW + 59.5 }), OPTIONS), 'RFC 7519 §2', 'a NumericDate may have a fraction');
  });

  for (const [rule, payload, code, section, options] of REFUSED) {
    it(`rejects the assertion because ${rule}`, async () => {
      await expectCode(() => verifyAssertionClaims(payload, { ...OPTIONS, ...options }), code, section, rule);
    });
  }

  it('reports the first broken rule when several are broken', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [good({ iss: 'x', sub: 'y', aud: 'z' }), 'ERR_ASSERTION_ISS', 'iss is checked before sub and aud'],
      [good({ sub: 'y', exp: undefined }), 'ERR_ASSERTION_SUB', 'sub is checked before exp'],
      [good({ aud: 'z', exp: NOW - 3_600 }), 'ERR_ASSERTION_AUD', 'aud is checked before the times'],
      [good({ exp: undefined, jti: undefined }), 'ERR_ASSERTION_EXP_MISSING', 'exp presence is checked before jti'],
      [good({ iat: 'yesterday', exp: NOW - 3_600 }), 'ERR_ASSERTION_CLAIM_TYPE', 'the claim types are checked before expiry'],
      [good({ iat: NOW - 7_200, exp: NOW - 3_600, nbf: NOW + 3_600 }), 'ERR_ASSERTION_EXPIRED', 'exp is checked before nbf'],
      [good({ nbf: NOW + 3_600, iat: NOW + 3_600, exp: NOW + 3_660 }), 'ERR_ASSERTION_NOT_YET_VALID', 'nbf is checked before iat'],
      [good({ iat: NOW + 3_600, exp: NOW + 90_000 }), 'ERR_ASSERTION_IAT_FUTURE', 'iat is checked before the lifetime'],
      [good({ exp: NOW + 90_000, jti: undefined }), 'ERR_ASSERTION_LIFETIME', 'the lifetime is checked before jti'],
    ];
    for (const [payload, code, rule] of cases) {
      await expectCode(() => verifyAssertionClaims(payload, OPTIONS), code, 'RFC 7523 §3', `the order of the checks: ${rule}`);
    }
  });

  it('applies the tolerance exactly at its edges (generated: exp, nbf and iat from 40 s before to 40 s after now)', async () => {
    for (let offset = -40; offset <= 40; offset++) {
      // exp = now + offset: refused once now >= exp + 30, i.e. offset <= -30.
      const expPayload = good({ iat: NOW - 100, exp: NOW + offset });
      if (offset <= -30) await expectCode(() => verifyAssertionClaims(expPayload, OPTIONS), 'ERR_ASSERTION_EXPIRED', 'RFC 7523 §3 (4)', `exp ${offset} s from now, tolerance 30 s`);
      else await expectNoThrow(() => verifyAssertionClaims(expPayload, OPTIONS), 'RFC 7523 §3 (4)', `exp ${offset} s from now is within the 30 s tolerance`);
      // nbf = now + offset: refused once nbf > now + 30.
      const nbfPayload = good({ nbf: NOW + offset, exp: NOW + 100 });
      if (offset > 30) await expectCode(() => verifyAssertionClaims(nbfPayload, OPTIONS), 'ERR_ASSERTION_NOT_YET_VALID', 'RFC 7523 §3 (5)', `nbf ${offset} s from now, tolerance 30 s`);
      else await expectNoThrow(() => verifyAssertionClaims(nbfPayload, OPTIONS), 'RFC 7523 §3 (5)', `nbf ${offset} s from now is within the 30 s tolerance`);
      // iat = now + offset: refused once iat > now + 30.
      const iatPayload = good({ iat: NOW + offset, exp: NOW + 100 });
      if (offset > 30) await expectCode(() => verifyAssertionClaims(iatPayload, OPTIONS), 'ERR_ASSERTION_IAT_FUTURE', 'RFC 7523 §3 (6)', `iat ${offset} s from now, tolerance 30 s`);
      else await expectNoThrow(() => verifyAssertionClaims(iatPayload, OPTIONS), 'RFC 7523 §3 (6)', `iat ${offset} s from now is within the 30 s tolerance`);
    }
  });

  it('judges the knowledge-base example by the clock: expired today, too long-lived even when it was made', async () => {
    // The payload of the worked example (client 38174623762, ES256), which lives about nine hours.
    const example = { jti: 'myJWTId001', sub: '38174623762', iss: '38174623762', aud: 'http://localhost:4000/api/auth/token/direct/24523138205', exp: 1536165540, iat: 1536132708 };
    const options = { clientId: '38174623762', audiences: ['http://localhost:4000/api/auth/token/direct/24523138205'] };
    await expectCode(() => verifyAssertionClaims(example, { ...options, now: NOW }), 'ERR_ASSERTION_EXPIRED', 'RFC 7523 §3 (4)', 'its exp (2018-09-05) has long passed');
    await expectCode(() => verifyAssertionClaims(example, { ...options, now: 1536132708 }), 'ERR_ASSERTION_LIFETIME', 'RFC 7523 §3 (4)',
      'at its own iat it is not expired, but its 32,832 s lifetime exceeds the 3,600 s this server allows');
    await expectNoThrow(() => verifyAssertionClaims(example, { ...options, now: 1536132708, maxLifetimeSeconds: 86_400 }), 'RFC 7523 §3',
      'a server that allows a day of lifetime accepts it at its iat');
  });
});

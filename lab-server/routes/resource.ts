/**
 * A protected resource (RFC 6750). A bearer token is enough unless the token is certificate-bound
 * (RFC 8705 §3): then the request must come over mutual TLS (or through the trusted proxy) with the
 * very certificate whose thumbprint is in the token's cnf.
 */
import { checkCertificateBinding, OAuthError } from '@client-auth-lab/lib';
import type { Exchange } from '../exchange.js';

const REALM = 'Bearer realm="client-auth-lab"';

function invalidToken(x: Exchange, code: string, detail: string, spec: string): never {
  x.log.checks.push({ name: 'access token', passed: false, detail, spec });
  throw new OAuthError('invalid_token', code, detail, {
    status: 401, spec, wwwAuthenticate: `${REALM}, error="invalid_token", error_description="${detail.replace(/["\\]/g, "'")}"`,
  });
}

export function resourceEndpoint(x: Exchange): void {
  const { log, ctx } = x;
  const header = x.req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  if (match === null) {
    log.checks.push({ name: 'access token', passed: false, detail: 'no Bearer token in the Authorization header', spec: 'RFC 6750 §2.1; RFC 6750 §3.1' });
    // RFC 6750 §3.1: a request without any token gets the challenge without an error code.
    throw new OAuthError('invalid_token', 'ERR_NO_TOKEN', 'the resource needs an access token: Authorization: Bearer <token>', { status: 401, spec: 'RFC 6750 §3.1', wwwAuthenticate: REALM });
  }
  const record = ctx.store.tokens.get(match[1] as string);
  const now = Math.floor(ctx.config.now() / 1000);
  if (record === undefined || record.kind !== 'access_token') invalidToken(x, 'ERR_TOKEN_UNKNOWN', 'the access token is unknown', 'RFC 6750 §3.1');
  x.clientId = record.client_id;
  if (record.revoked === true) invalidToken(x, 'ERR_TOKEN_REVOKED', 'the access token was revoked', 'RFC 7009 §2; RFC 6750 §3.1');
  if (record.exp <= now) invalidToken(x, 'ERR_TOKEN_EXPIRED', `the access token expired ${now - record.exp} s ago`, 'RFC 6750 §3.1');
  log.pass('access token', `active token of client '${record.client_id}'${record.sub === undefined ? '' : ` for user '${record.sub}'`}`, 'RFC 6750 §2.1');
  const binding = checkCertificateBinding(record.cnf, x.certificate?.der);
  if (!binding.valid) invalidToken(x, 'ERR_TOKEN_BINDING', binding.detail, binding.spec);
  log.pass('certificate binding', binding.detail, binding.spec);
  x.send(200, {
    resource: 'client-auth-lab protected resource',
    client_id: record.client_id,
    ...(record.sub === undefined ? {} : { sub: record.sub }),
    ...(record.scope === undefined ? {} : { scope: record.scope }),
    certificate_bound: binding.bound,
  }, { 'Cache-Control': 'no-store' });
}

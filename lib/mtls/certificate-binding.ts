/**
 * Certificate-bound access tokens (RFC 8705 §3): the token carries `cnf: { "x5t#S256": … }` and the
 * resource server accepts it only over a TLS connection made with that same certificate.
 */
import { x5tS256 } from './thumbprint.js';

export interface ConfirmationClaim {
  'x5t#S256'?: string;
  [member: string]: unknown;
}

/** The `cnf` claim that binds a token to the certificate `der` (RFC 8705 §3.1). */
export function certificateConfirmation(der: Uint8Array): { 'x5t#S256': string } {
  return { 'x5t#S256': x5tS256(der) };
}

export interface BindingCheck {
  bound: boolean;
  valid: boolean;
  detail: string;
  spec: string;
}

/** Whether a presented certificate satisfies a token's `cnf` (RFC 8705 §3.1). Tokens without x5t#S256 are not bound. */
export function checkCertificateBinding(cnf: ConfirmationClaim | undefined, presented: Uint8Array | undefined): BindingCheck {
  const spec = 'RFC 8705 §3.1';
  const expected = cnf?.['x5t#S256'];
  if (expected === undefined) return { bound: false, valid: true, detail: 'the token is not bound to a certificate', spec };
  if (presented === undefined) {
    return { bound: true, valid: false, detail: `the token is bound to certificate ${expected} but no client certificate was presented`, spec };
  }
  const actual = x5tS256(presented);
  return actual === expected
    ? { bound: true, valid: true, detail: `the presented certificate's x5t#S256 ${actual} matches the token's cnf`, spec }
    : { bound: true, valid: false, detail: `the presented certificate's x5t#S256 ${actual} is not the token's cnf x5t#S256 ${expected}`, spec };
}

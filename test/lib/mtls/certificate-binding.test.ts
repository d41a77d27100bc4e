import { describe, expect, it } from 'vitest';
import { certificateConfirmation, checkCertificateBinding, x5tS256 } from '../../../lib/index.js';
import { RFC8705_APPENDIX_A_CERTIFICATE, RFC8705_APPENDIX_A_X5T_S256 } from '../../fixtures/seeds/knowledge-base.js';

const der = Buffer.from(RFC8705_APPENDIX_A_CERTIFICATE, 'base64');

describe('x5t#S256 (RFC 8705 §3.1)', () => {
  it('matches the RFC 8705 Appendix A value', () => {
    expect(x5tS256(der)).toBe(RFC8705_APPENDIX_A_X5T_S256);
  });
  it('equals what openssl computes', async () => {
    const { execFileSync } = await import('node:child_process');
    const digest = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der });
    expect(Buffer.from(digest).toString('base64url')).toBe(x5tS256(der));
  });
});

describe('certificate-bound tokens', () => {
  const cnf = certificateConfirmation(der);
  it('accepts the same certificate', () => {
    expect(checkCertificateBinding(cnf, der)).toMatchObject({ bound: true, valid: true });
  });
  it('rejects another certificate because the thumbprints differ', () => {
    const other = Uint8Array.from(der);
    other[other.length - 1] ^= 1;
    expect(checkCertificateBinding(cnf, other)).toMatchObject({ bound: true, valid: false });
  });
  it('rejects a bound token presented without a certificate', () => {
    expect(checkCertificateBinding(cnf, undefined)).toMatchObject({ bound: true, valid: false });
  });
  it('treats a token without cnf as unbound', () => {
    expect(checkCertificateBinding(undefined, undefined)).toMatchObject({ bound: false, valid: true });
  });
});

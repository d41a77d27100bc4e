import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCertificate } from '../../lib/x509/index.js';
import { runAuthlab } from './run.js';

const fixtures = new URL('../fixtures/x509/', import.meta.url);
const fixture = (name: string): string => join(fixtures.pathname, name);
const deckJwk = JSON.parse(readFileSync(fixture('deck-public-key.jwk.json'), 'utf8')) as Record<string, string>;
let dir: string;
const file = (name: string, content?: string | Uint8Array): string => {
  const path = join(dir, name);
  if (content !== undefined) writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'authlab-cli-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('--help', () => {
  it.each([
    ['key'], ['key', 'gen'], ['key', 'show'], ['key', 'pub'], ['jwk'], ['jwk', 'gen'], ['jwk', 'from-pem'], ['jose'], ['jose', 'sign'],
    ['cert'], ['cert', 'self-signed'], ['cert', 'issue'], ['x509'], ['asn1'], ['b64'],
  ])('prints usage for authlab %s', async (...words) => {
    const result = await runAuthlab([...words, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: authlab /);
  });

  it('lists the commands in the overview', async () => {
    const { stdout } = await runAuthlab(['--help']);
    for (const name of ['key gen', 'jwk from-pem', 'jose sign', 'cert self-signed', 'x509', 'asn1', 'b64']) expect(stdout).toContain(name);
  });
});

describe('authlab key', () => {
  it('gen prints a PKCS#8 PEM that key show and key pub read', async () => {
    const gen = await runAuthlab(['key', 'gen', '--alg', 'EC', '--curve', 'P-384']);
    expect(gen.code).toBe(0);
    expect(gen.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const path = file('p384.pem', gen.stdout);
    expect((await runAuthlab(['key', 'show', path])).stdout).toMatch(/^Private-Key: \(384 bit\)\npriv:\n/);
    expect((await runAuthlab(['key', 'pub', path])).stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('show prints the deck key as openssl pkey -text did, reading standard input with -', async () => {
    const result = await runAuthlab(['key', 'show', '-'], readFileSync(fixture('deck-private-key.pem'), 'utf8'));
    expect(result.stdout).toContain('priv:\n    c1:29:9b:67');
    expect(result.stdout).toContain('NIST CURVE: P-256');
  });

  it('rejects a 1024-bit RSA key with exit 1 and the error code on stderr', async () => {
    const result = await runAuthlab(['key', 'gen', '--alg', 'RSA', '--bits', '1024']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[ERR_KEY_SIZE]');
    expect(result.stdout).toBe('');
  });

  it('rejects an unknown option or algorithm as a usage error (exit 2)', async () => {
    expect((await runAuthlab(['key', 'gen', '--alg', 'DSA'])).code).toBe(2);
    expect((await runAuthlab(['key', 'gen', '--nope'])).code).toBe(2);
    expect((await runAuthlab(['key'])).code).toBe(2);
  });

  it('rejects a file that holds no key', async () => {
    const result = await runAuthlab(['key', 'show', fixture('deck-public-key.jwk.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[ERR_KEY_MALFORMED]');
  });
});

describe('authlab jwk', () => {
  it('gen prints private, public and jwks (mkjwk)', async () => {
    const result = await runAuthlab(['jwk', 'gen', '--kty', 'OKP', '--crv', 'Ed25519', '--alg', 'EdDSA', '--use', 'sig', '--kid', 'k1']);
    const json = JSON.parse(result.stdout) as { private: Record<string, string>; public: Record<string, string>; jwks: { keys: unknown[] } };
    expect(json.private.d).toBeDefined();
    expect(json.public).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: 'k1' });
    expect(json.public.d).toBeUndefined();
    expect(json.jwks.keys).toEqual([json.public]);
  });

  it('rejects ES256 on P-521', async () => {
    const result = await runAuthlab(['jwk', 'gen', '--crv', 'P-521', '--alg', 'ES256']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[ERR_JWK_ALG_MISMATCH]');
  });

  it('from-pem prints the JWK eckles printed for the deck key', async () => {
    const result = await runAuthlab(['jwk', 'from-pem', fixture('deck-private-key.pem')]);
    expect(JSON.parse(result.stdout)).toEqual({ ...deckJwk, d: 'wSmbZ2gTKFbyy-q6jXhuGXFuz8mCqjUhRYvQ_EEgqqg' });
    expect(Object.keys(JSON.parse(result.stdout))).toEqual(['kty', 'crv', 'd', 'x', 'y']);
  });

  it('from-pem --x5c adds the certificate as standard Base64 DER, like the deck\'s certificate.jwk', async () => {
    const pub = file('deck-pub.pem', (await runAuthlab(['key', 'pub', fixture('deck-private-key.pem')])).stdout);
    const result = await runAuthlab(['jwk', 'from-pem', pub, '--x5c', fixture('deck-client-example.pem')]);
    const jwk = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(jwk).toEqual({ ...deckJwk, x5c: [Buffer.from(readCertificate(readFileSync(fixture('deck-client-example.pem'), 'utf8')).der).toString('base64')] });
    expect(String((jwk.x5c as string[])[0])).toMatch(/^MIIBjzCCATWgAwIBAgIUdRbH\+ElI8iLjnR9eJwCpIU8e8xYw/);
  });

  it('from-pem --x5c rejects a certificate for another key because RFC 7517 §4.7 requires the same key', async () => {
    const result = await runAuthlab(['jwk', 'from-pem', fixture('deck-private-key.pem'), '--x5c', fixture('rfc8705-mtls.pem')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[ERR_X5C_KEY_MISMATCH]');
  });
});

describe('authlab jose sign', () => {
  it('signs a payload file with a JWK file (mkjose); jose verifies it', async () => {
    const keys = JSON.parse((await runAuthlab(['jwk', 'gen'])).stdout) as { private: Record<string, unknown>; public: Record<string, unknown> };
    const jwkFile = file('ec.jwk', JSON.stringify(keys.private));
    const payloadFile = file('payload.json', '{"hello":"world"}');
    const result = await runAuthlab(['jose', 'sign', '--payload-file', payloadFile, '--alg', 'ES256', '--jwk-file', jwkFile]);
    expect(result.code).toBe(0);
    const { payload } = await compactVerify(result.stdout.trim(), await importJWK(keys.public, 'ES256'));
    expect(new TextDecoder().decode(payload)).toBe('{"hello":"world"}');
  });

  it('--client-assertion fills iss, sub, aud, jti, iat and exp', async () => {
    const jwkFile = file('generated.json', (await runAuthlab(['jwk', 'gen'])).stdout);
    const result = await runAuthlab(['jose', 'sign', '--client-assertion', '--client-id', 'client-1', '--aud', 'https://as.example/token', '--jwk-file', jwkFile]);
    const claims = JSON.parse(Buffer.from(result.stdout.trim().split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: 'client-1', sub: 'client-1', aud: 'https://as.example/token' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300);
    expect(typeof claims.jti).toBe('string');
  });

  it('rejects a missing --jwk-file or --client-id as usage errors', async () => {
    expect((await runAuthlab(['jose', 'sign', '--payload-file', 'x'])).code).toBe(2);
    const jwkFile = file('generated2.json', (await runAuthlab(['jwk', 'gen'])).stdout);
    expect((await runAuthlab(['jose', 'sign', '--client-assertion', '--aud', 'a', '--jwk-file', jwkFile])).code).toBe(2);
  });

  it('rejects an alg the key cannot sign with', async () => {
    const jwkFile = file('generated3.json', (await runAuthlab(['jwk', 'gen'])).stdout);
    const result = await runAuthlab(['jose', 'sign', '--payload-file', jwkFile, '--alg', 'RS256', '--jwk-file', jwkFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[ERR_JWK_ALG_MISMATCH]');
  });
});

describe('authlab cert and x509', () => {
  it('self-signed makes the deck\'s certificate kind; x509 --json shows it', async () => {
    const cert = await runAuthlab(['cert', 'self-signed', '--key', fixture('deck-private-key.pem'), '--subj', '/CN=client.example.com', '--san', 'DNS:client.example.com,IP:192.0.2.1,URI:https://client.example.com,email:a@example.com']);
    expect(cert.code).toBe(0);
    const path = file('self.pem', cert.stdout);
    const json = JSON.parse((await runAuthlab(['x509', path, '--json'])).stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['version', 'serialNumber', 'signatureAlgorithm', 'issuer', 'subject', 'notBefore', 'notAfter', 'publicKey', 'extensions', 'san', 'x5tS256', 'selfSigned']));
    expect(json).toMatchObject({ version: 3, subject: 'CN=client.example.com', issuer: 'CN=client.example.com', selfSigned: true, signatureAlgorithm: 'ecdsa-with-SHA256' });
    expect(json.san).toEqual([
      { type: 'dNSName', value: 'client.example.com' },
      { type: 'iPAddress', value: '192.0.2.1' },
      { type: 'uniformResourceIdentifier', value: 'https://client.example.com' },
      { type: 'rfc822Name', value: 'a@example.com' },
    ]);
    expect((json.publicKey as { jwk: unknown }).jwk).toEqual(deckJwk);
    expect(new Date(String(json.notAfter)).getTime() - new Date(String(json.notBefore)).getTime()).toBe(30 * 86_400_000);
    const names = (json.extensions as { name: string; critical: boolean }[]).map((e) => `${e.name}:${e.critical}`);
    expect(names).toEqual(['subjectKeyIdentifier:false', 'authorityKeyIdentifier:false', 'basicConstraints:true', 'subjectAltName:false']);
  });

  it('issue makes a CA-signed client certificate', async () => {
    const caKey = file('ca-key.pem', (await runAuthlab(['key', 'gen'])).stdout);
    const caCert = file('ca.pem', (await runAuthlab(['cert', 'self-signed', '--key', caKey, '--subj', 'CN=Lab CA', '--days', '365'])).stdout);
    const clientKey = file('client-key.pem', (await runAuthlab(['key', 'gen', '--alg', 'Ed25519'])).stdout);
    const result = await runAuthlab(['cert', 'issue', '--ca-key', caKey, '--ca-cert', caCert, '--key', clientKey, '--subj', '/O=Lab/CN=client', '--eku', 'clientAuth']);
    expect(result.code).toBe(0);
    const view = readCertificate(result.stdout);
    expect(view.issuerString).toBe('CN=Lab CA');
    expect(view.subjectString).toBe('CN=client,O=Lab');
    expect(view.extendedKeyUsage).toEqual([{ oid: '1.3.6.1.5.5.7.3.2', name: 'clientAuth' }]);
  });

  it('issue rejects a CA key that does not belong to the CA certificate', async () => {
    const otherKey = file('other-key.pem', (await runAuthlab(['key', 'gen'])).stdout);
    const result = await runAuthlab(['cert', 'issue', '--ca-key', otherKey, '--ca-cert', fixture('deck-client-example.pem'), '--key', otherKey, '--subj', '/CN=x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[ERR_CA_KEY_MISMATCH]');
  });

  it('self-signed rejects a bad --san entry', async () => {
    const result = await runAuthlab(['cert', 'self-signed', '--key', fixture('deck-private-key.pem'), '--subj', '/CN=x', '--san', 'IP:1.2.3']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[ERR_IP_ADDRESS_SYNTAX]');
  });

  it('x509 prints openssl-style text with SKI, basicConstraints and the x5t#S256', async () => {
    const result = await runAuthlab(['x509', fixture('deck-client-example.pem')]);
    expect(result.stdout).toContain('X509v3 Subject Key Identifier:\n                96:8C:28:0D:B6:78:A8:8C:5C:6B:D2:A2:37:A8:2C:60:A1:70:00:5C');
    expect(result.stdout).toContain('X509v3 Basic Constraints: critical\n                CA:TRUE');
    expect(result.stdout).toContain('Not Before: Jun 27 11:38:03 2020 GMT');
  });

  it('x509 reads DER files too, and rejects garbage with exit 1', async () => {
    const der = readCertificate(readFileSync(fixture('rfc8705-mtls.pem'), 'utf8')).der;
    const json = JSON.parse((await runAuthlab(['x509', file('mtls.der', der), '--json'])).stdout) as Record<string, unknown>;
    expect(json.x5tS256).toBe('A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0');
    const bad = await runAuthlab(['x509', file('garbage.txt', 'not a certificate!')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[ERR_CERTIFICATE_MALFORMED]');
  });
});

describe('authlab asn1', () => {
  it('dumps the deck\'s subject bytes from hex text', async () => {
    const result = await runAuthlab(['asn1', fixture('subject-authlete.hex')]);
    expect(result.stdout).toMatch(/ 11:d=3  hl=2  l= +14 prim: +UTF8String +\*\.authlete\.com/);
    expect(result.stdout).toContain('commonName');
  });

  it('prints JSON nodes with the documented members', async () => {
    const result = await runAuthlab(['asn1', fixture('san-authlete.hex'), '--json']);
    interface Node { name: string; value: string; tagNumber: number; children: Node[] }
    const root = JSON.parse(result.stdout) as Node;
    expect(Object.keys(root)).toEqual(expect.arrayContaining(['offset', 'depth', 'headerLength', 'length', 'tagClass', 'tagNumber', 'constructed', 'type', 'value', 'name', 'children']));
    const names = root.children[1]?.children[0]?.children ?? [];
    expect(names.map((n) => [n.name, n.tagNumber, n.value])).toEqual([['dNSName', 2, '*.authlete.com'], ['dNSName', 2, 'authlete.com']]);
  });

  it('rejects indefinite lengths unless --ber is given', async () => {
    const path = file('ber.hex', '3080 020101 0000');
    const strict = await runAuthlab(['asn1', path]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('[ERR_ASN1_INDEFINITE_LENGTH]');
    expect((await runAuthlab(['asn1', path, '--ber'])).stdout).toContain('l=  inf cons: SEQUENCE');
  });
});

describe('authlab b64', () => {
  it('converts between the layers', async () => {
    expect((await runAuthlab(['b64', '30 19 31 17', '--to', 'base64'])).stdout).toBe('MBkxFw==\n');
    expect((await runAuthlab(['b64', 'MBkxFw==', '--to', 'hex'])).stdout).toBe('30 19 31 17\n');
    expect((await runAuthlab(['b64', '+/8=', '--to', 'base64url'])).stdout).toBe('-_8\n');
    expect((await runAuthlab(['b64', 'hello', '--from', 'text', '--to', 'hex'])).stdout).toBe('68 65 6c 6c 6f\n');
    expect((await runAuthlab(['b64', 'MBkxFw==', '--to', 'pem', '--label', 'X'])).stdout).toBe('-----BEGIN X-----\nMBkxFw==\n-----END X-----\n');
  });

  it('writes DER files and reads PEM files', async () => {
    const out = file('cert.der');
    const result = await runAuthlab(['b64', '--file', fixture('deck-client-example.pem'), '--to', 'der-file', out]);
    expect(result.code).toBe(0);
    expect(readCertificate(readFileSync(out)).subjectString).toBe('CN=client.example.com');
  });

  it('rejects malformed input with its code, and a missing --to as a usage error', async () => {
    const bad = await runAuthlab(['b64', 'abc', '--from', 'hex', '--to', 'base64']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[ERR_HEX_MALFORMED]');
    expect((await runAuthlab(['b64', 'abc'])).code).toBe(2);
  });
});

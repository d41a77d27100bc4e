import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAsn1, type Asn1Node } from '../../../lib/asn1/index.js';
import { decodeInput, encodePem } from '../../../lib/encoding/index.js';
import { createSelfSignedCertificate, generateKeyPair } from '../../../lib/keys/index.js';
import { hasOpenssl, openssl, removeTemporaryFiles, tempFile, tempPath } from '../x509/openssl-tool.js';

afterAll(removeTemporaryFiles);

/** Pre-order rows as openssl asn1parse prints them; nodes found inside BIT/OCTET STRINGs are not listed by openssl. */
function ourRows(root: Asn1Node): string[] {
  const rows: string[] = [];
  const visit = (node: Asn1Node): void => {
    rows.push(`${node.offset}:d=${node.depth}:hl=${node.headerLength}:l=${node.length}:${node.constructed ? 'cons' : 'prim'}`);
    if (!node.encapsulates) node.children.forEach(visit);
  };
  visit(root);
  return rows;
}

function opensslRows(derFile: string): string[] {
  return openssl(['asn1parse', '-inform', 'DER', '-in', derFile, '-i'])
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const m = /^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)\s+(prim|cons):/.exec(line);
      if (!m) throw new Error(`unexpected asn1parse line: ${line}`);
      return `${m[1]}:d=${m[2]}:hl=${m[3]}:l=${m[4]}:${m[5]}`;
    });
}

describe.skipIf(!hasOpenssl)('decodeAsn1 against openssl asn1parse', () => {
  const inputs: [string, Uint8Array][] = [];

  beforeAll(async () => {
    const deck = decodeInput(readFileSync(new URL('../../fixtures/x509/deck-client-example.pem', import.meta.url), 'utf8')).der;
    inputs.push(['the deck certificate', deck]);
    const rsa = await generateKeyPair({ alg: 'RSA' });
    const labCert = await createSelfSignedCertificate({ key: rsa, subject: 'CN=lab,O=Example\\, Inc,C=JP', san: [{ type: 'dNSName', value: 'lab.example' }, { type: 'iPAddress', value: '::1' }] });
    inputs.push(['a lab-made RSA certificate', labCert.der]);
    inputs.push(['a PKCS#8 RSA private key', new Uint8Array(rsa.privateKey.export({ type: 'pkcs8', format: 'der' }))]);
    const keyFile = tempPath();
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', keyFile]);
    const certFile = tempPath();
    openssl(['req', '-x509', '-key', keyFile, '-subj', '/C=JP/O=Lab/CN=openssl+UID=x', '-multivalue-rdn', '-addext', 'subjectAltName=DNS:a.example,email:a@example.com,URI:https://a.example/', '-addext', 'extendedKeyUsage=clientAuth', '-out', certFile]);
    inputs.push(['an openssl-made certificate', decodeInput(readFileSync(certFile, 'utf8')).der]);
    inputs.push(['an openssl-made PKCS#8 EC key', decodeInput(readFileSync(keyFile, 'utf8')).der]);
    inputs.push(['an SPKI public key', decodeInput(openssl(['pkey', '-in', keyFile, '-pubout'])).der]);
  });

  it('gives the same offsets, depths, header lengths and lengths for every element', () => {
    expect(inputs).toHaveLength(6);
    for (const [what, der] of inputs) {
      const file = tempFile(der, '.der');
      expect(ourRows(decodeAsn1(der)), what).toEqual(opensslRows(file));
    }
  });

  it('reads what openssl writes from PEM as the same bytes', () => {
    const der = inputs[0]?.[1] as Uint8Array;
    const roundTrip = openssl(['x509', '-in', tempFile(encodePem('CERTIFICATE', der)), '-outform', 'PEM']);
    expect(decodeInput(roundTrip).der).toEqual(der);
  });
});

/**
 * The lab's own certificate authority. Generated on first start (and kept in the data directory when
 * there is one), it issues the HTTPS listener's certificate, so clients can trust the server with one
 * --cacert, and it is a trust anchor for tls_client_auth (RFC 8705 §2.1), so notebooks and tests can
 * issue client certificates from it.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  createCertificateAuthority, generateKeyPair, issueCertificate, loadCertificateAuthority,
  type CertificateAuthority, type GeneratedKeyPair, type KeySpec,
} from '@client-auth-lab/lib';
import type { SharedMaterial } from './store/types.js';

export const CA_CERTIFICATE_FILE = 'lab-ca.pem';
export const CA_KEY_FILE = 'lab-ca.key.pem';
export const SERVER_CERTIFICATE_FILE = 'server.pem';
export const SERVER_KEY_FILE = 'server.key.pem';

export interface ServerCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

export interface ClientCertificateOptions {
  /** Subject DN, "CN=…,O=…" (RFC 4514) or "/CN=…/O=…" (OpenSSL). */
  subject: string;
  /** SANs, e.g. [{ type: 'dNSName', value: 'client.example' }]. */
  san?: { type: 'dNSName' | 'rfc822Name' | 'uniformResourceIdentifier' | 'iPAddress'; value: string }[];
  days?: number;
  key?: KeySpec;
}

export interface IssuedClientCertificate {
  certificatePem: string;
  certificateDer: Uint8Array;
  privateKeyPem: string;
  /** The public key as a JWK (for self-signed registrations, add x5c). */
  publicJwk: Record<string, unknown>;
  'x5t#S256': string;
  subject: string;
}

export interface LabCertificateAuthority {
  certificatePem: string;
  certificateDer: Uint8Array;
  subject: string;
  /** The certificate the HTTPS listener presents, valid for the given host names. */
  serverCertificate(hosts: readonly string[]): Promise<ServerCertificate>;
  /** A client certificate for tls_client_auth (clientAuth extended key usage). */
  issueClientCertificate(options: ClientCertificateOptions): Promise<IssuedClientCertificate>;
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a file the atomic way (temporary file, then rename), readable by the owner only when secret. */
async function writeAtomically(path: string, text: string, secret: boolean): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: secret ? 0o600 : 0o644, flush: true });
  await rename(temporary, path);
}

function sanFor(host: string): { type: 'dNSName' | 'iPAddress'; value: string } {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) === 0 ? { type: 'dNSName', value: bare } : { type: 'iPAddress', value: bare };
}

/** Whether a stored server certificate still fits: signed by this CA, covering every host, not about to expire. */
function serverCertificateFits(pem: string, ca: CertificateAuthority, hosts: readonly string[]): boolean {
  try {
    const certificate = new X509Certificate(pem);
    if (!certificate.checkIssued(new X509Certificate(ca.certificatePem))) return false;
    if (new Date(certificate.validTo).getTime() < Date.now() + 7 * 86_400_000) return false;
    return hosts.every((host) => {
      const san = sanFor(host);
      return san.type === 'iPAddress' ? certificate.checkIP(san.value) !== undefined : certificate.checkHost(san.value) !== undefined;
    });
  } catch {
    return false;
  }
}

/** The lab CA as several processes share it (SharedMaterial's `lab-ca`). */
interface SharedCertificateAuthority {
  privateKeyPem: string;
  certificatePem: string;
}

function newLabCertificateAuthority(): Promise<CertificateAuthority> {
  return createCertificateAuthority({ subject: '/O=client-auth-lab/CN=client-auth-lab CA', days: 3650 });
}

/**
 * Loads the lab CA from `directory`, or makes one (and saves it there). With `shared` (the PostgreSQL
 * store), every process of the server uses the one CA the first of them made. Without either the CA
 * lives only as long as the process.
 */
export async function openLabCertificateAuthority(directory?: string, shared?: SharedMaterial): Promise<LabCertificateAuthority> {
  let ca: CertificateAuthority;
  const caCertPath = directory === undefined ? undefined : join(directory, CA_CERTIFICATE_FILE);
  const caKeyPath = directory === undefined ? undefined : join(directory, CA_KEY_FILE);
  const storedCert = caCertPath === undefined ? undefined : await readIfPresent(caCertPath);
  const storedKey = caKeyPath === undefined ? undefined : await readIfPresent(caKeyPath);
  if (shared !== undefined) {
    const agreed = JSON.parse(await shared.agree('lab-ca', async () => {
      const made = await newLabCertificateAuthority();
      return JSON.stringify({ privateKeyPem: made.key.privateKeyPem, certificatePem: made.certificatePem } satisfies SharedCertificateAuthority);
    })) as SharedCertificateAuthority;
    ca = loadCertificateAuthority(agreed.privateKeyPem, agreed.certificatePem);
  } else if (storedCert !== undefined && storedKey !== undefined) {
    ca = loadCertificateAuthority(storedKey, storedCert);
  } else {
    ca = await newLabCertificateAuthority();
    if (directory !== undefined) {
      await mkdir(directory, { recursive: true });
      await writeAtomically(caKeyPath as string, ca.key.privateKeyPem, true);
      await writeAtomically(caCertPath as string, ca.certificatePem, false);
    }
  }

  let cachedServer: { hosts: string; value: ServerCertificate } | undefined;
  return {
    certificatePem: ca.certificatePem,
    certificateDer: ca.der,
    subject: ca.view.subjectString,

    async serverCertificate(hosts) {
      const key = [...hosts].sort().join(',');
      if (cachedServer?.hosts === key) return cachedServer.value;
      const certPath = directory === undefined ? undefined : join(directory, SERVER_CERTIFICATE_FILE);
      const keyPath = directory === undefined ? undefined : join(directory, SERVER_KEY_FILE);
      const storedServerCert = certPath === undefined ? undefined : await readIfPresent(certPath);
      const storedServerKey = keyPath === undefined ? undefined : await readIfPresent(keyPath);
      let value: ServerCertificate;
      if (storedServerCert !== undefined && storedServerKey !== undefined && serverCertificateFits(storedServerCert, ca, hosts)) {
        value = { certificatePem: storedServerCert, privateKeyPem: storedServerKey };
      } else {
        const serverKey = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
        const issued = await issueCertificate({
          ca,
          publicKey: serverKey,
          subject: `/O=client-auth-lab/CN=${hosts[0] ?? 'localhost'}`,
          san: hosts.map(sanFor),
          days: 825,
          extendedKeyUsage: ['serverAuth'],
        });
        value = { certificatePem: issued.pem, privateKeyPem: serverKey.privateKeyPem };
        if (certPath !== undefined && keyPath !== undefined) {
          await writeAtomically(keyPath, value.privateKeyPem, true);
          await writeAtomically(certPath, value.certificatePem, false);
        }
      }
      cachedServer = { hosts: key, value };
      return value;
    },

    async issueClientCertificate(options) {
      const key: GeneratedKeyPair = await generateKeyPair(options.key ?? { alg: 'EC', curve: 'P-256' });
      const issued = await issueCertificate({
        ca,
        publicKey: key,
        subject: options.subject,
        ...(options.san === undefined ? {} : { san: options.san }),
        days: options.days ?? 30,
        extendedKeyUsage: ['clientAuth'],
      });
      return {
        certificatePem: issued.pem,
        certificateDer: issued.der,
        privateKeyPem: key.privateKeyPem,
        publicJwk: key.publicJwk,
        'x5t#S256': issued.view.x5tS256,
        subject: issued.view.subjectString,
      };
    },
  };
}

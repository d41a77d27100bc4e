/** `authlab cert self-signed | issue`: what `openssl req -x509` and `openssl x509 -req -CA` do. */
import { createSelfSignedCertificate, issueCertificate, loadCertificateAuthority, parseSanList, type SanInput } from '@client-auth-lab/lib';
import { type Command, parseOptions, UsageError } from '../command.js';

function days(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--days must be a positive number, not '${value}'`);
  return n;
}

function notBefore(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--not-before must be an ISO 8601 time, not '${value}'`);
  return date;
}

function sans(value: string | undefined): SanInput[] | undefined {
  return value === undefined ? undefined : parseSanList(value);
}

export const certSelfSignedCommand: Command = {
  name: 'cert self-signed',
  summary: 'make a self-signed certificate (like openssl req -x509)',
  help: `Usage: authlab cert self-signed --key <key.pem> --subj /CN=client.example.com [--days 30]
                                [--san DNS:a,IP:1.2.3.4,URI:u,email:e] [--not-before ISO] [--serial HEX]

Prints a PEM certificate signed with its own key, with what "openssl req -x509" puts in by default:
version 3, a random 20-byte serial, 30 days of validity, subjectKeyIdentifier, authorityKeyIdentifier
(keyid) and basicConstraints CA:TRUE (critical). Such a certificate is what a client registers in
"x5c" for self_signed_tls_client_auth (RFC 8705 §2.2).

  --key F         the private key (PKCS#8, SEC1 or PKCS#1 PEM)
  --subj S        subject as /CN=…/O=… (openssl) or CN=…,O=… (RFC 4514)
  --days N        validity in days (default 30)
  --san LIST      subjectAltName entries: DNS:name, IP:address, URI:uri, email:address
  --not-before T  start of validity (default now)
  --serial HEX    serial number instead of a random one

Same as: openssl req -x509 -key key.pem -subj /CN=client.example.com
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      key: { type: 'string' }, subj: { type: 'string' }, days: { type: 'string' }, san: { type: 'string' }, 'not-before': { type: 'string' }, serial: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (values.key === undefined || values.subj === undefined) throw new UsageError('--key and --subj are required');
    const key = (await io.readFile(values.key)).toString('utf8');
    const validityDays = days(values.days);
    const start = notBefore(values['not-before']);
    const san = sans(values.san);
    const { pem } = await createSelfSignedCertificate({
      key, subject: values.subj,
      ...(validityDays === undefined ? {} : { days: validityDays }),
      ...(start === undefined ? {} : { notBefore: start }),
      ...(san === undefined ? {} : { san }),
      ...(values.serial === undefined ? {} : { serialNumber: values.serial }),
    });
    io.stdout(pem);
    return 0;
  },
};

export const certIssueCommand: Command = {
  name: 'cert issue',
  summary: 'issue a certificate signed by a CA (like openssl x509 -req -CA)',
  help: `Usage: authlab cert issue --ca-key <ca-key.pem> --ca-cert <ca.pem> --key <key.pem> --subj S
                          [--days 30] [--san LIST] [--eku clientAuth,serverAuth] [--ca] [--not-before ISO]

Prints a PEM certificate for the key in --key (a private or public key PEM: only its public key goes
into the certificate), issued and signed by the CA. An end-entity certificate gets CA:FALSE and
keyUsage digitalSignature; with --ca it becomes a subordinate CA (CA:TRUE, keyCertSign, cRLSign).
The authorityKeyIdentifier is the CA's subjectKeyIdentifier, so chains can be built (RFC 5280 §4.2.1.1).
This is the kind of certificate tls_client_auth (RFC 8705 §2.1) expects.

  --ca-key, --ca-cert   the CA's private key and certificate (they must belong together)
  --key F               the subject's key
  --subj S              subject as /CN=… or RFC 4514
  --eku LIST            extendedKeyUsage: clientAuth, serverAuth
  --days N, --san LIST, --not-before T   as for "cert self-signed"
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      'ca-key': { type: 'string' }, 'ca-cert': { type: 'string' }, key: { type: 'string' }, subj: { type: 'string' }, days: { type: 'string' },
      san: { type: 'string' }, eku: { type: 'string' }, ca: { type: 'boolean' }, 'not-before': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const caKey = values['ca-key'];
    const caCert = values['ca-cert'];
    if (caKey === undefined || caCert === undefined || values.key === undefined || values.subj === undefined) {
      throw new UsageError('--ca-key, --ca-cert, --key and --subj are required');
    }
    const ekus = values.eku === undefined ? undefined : values.eku.split(',').map((e) => e.trim());
    for (const eku of ekus ?? []) if (eku !== 'clientAuth' && eku !== 'serverAuth') throw new UsageError(`--eku entries are clientAuth or serverAuth, not '${eku}'`);
    const ca = loadCertificateAuthority((await io.readFile(caKey)).toString('utf8'), (await io.readFile(caCert)).toString('utf8'));
    const validityDays = days(values.days);
    const start = notBefore(values['not-before']);
    const san = sans(values.san);
    const { pem } = await issueCertificate({
      ca, publicKey: (await io.readFile(values.key)).toString('utf8'), subject: values.subj, isCA: values.ca ?? false,
      ...(validityDays === undefined ? {} : { days: validityDays }),
      ...(start === undefined ? {} : { notBefore: start }),
      ...(san === undefined ? {} : { san }),
      ...(ekus === undefined ? {} : { extendedKeyUsage: ekus as ('clientAuth' | 'serverAuth')[] }),
    });
    io.stdout(pem);
    return 0;
  },
};

export const certCommand: Command = {
  name: 'cert',
  summary: 'certificate tools: cert self-signed, cert issue',
  help: `Usage: authlab cert <self-signed|issue> [options]

  cert self-signed   make a self-signed certificate (openssl req -x509)
  cert issue         issue a certificate from a CA key and certificate
`,
  async run(args) {
    throw new UsageError(args.length === 0 ? 'missing subcommand: self-signed or issue' : `unknown subcommand '${args[0]}': use self-signed or issue`);
  },
};

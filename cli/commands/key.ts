/** `authlab key gen | show | pub`: what `openssl genpkey`, `openssl pkey -text -noout` and `openssl pkey -pubout` do. */
import { decodePemAll, describeKeyText, generateKeyPair, readPrivateKey, readPublicKey, type KeySpec } from '@client-auth-lab/lib';
import { type Command, onePositional, parseOptions, UsageError } from '../command.js';

export const keyGenCommand: Command = {
  name: 'key gen',
  summary: 'generate a private key (PKCS#8 PEM), like openssl genpkey',
  help: `Usage: authlab key gen [--alg EC [--curve P-256|P-384|P-521] | --alg RSA [--bits 2048] | --alg Ed25519]

Generates a new private key and prints it as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").
The default is an EC key on P-256, the curve used in the course.

  --alg     EC (default), RSA or Ed25519
  --curve   EC curve: P-256 (default), P-384, P-521
  --bits    RSA modulus size, at least 2048 (default 2048)

Same as: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
Next:    authlab key show key.pem   /   authlab key pub key.pem   /   authlab jwk from-pem key.pem
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { alg: { type: 'string' }, curve: { type: 'string' }, bits: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const alg = (values.alg ?? 'EC').toUpperCase();
    let spec: KeySpec;
    if (alg === 'EC') spec = { alg: 'EC', curve: (values.curve ?? 'P-256') as 'P-256' };
    else if (alg === 'RSA') spec = { alg: 'RSA', bits: Number(values.bits ?? 2048) };
    else if (alg === 'ED25519') spec = { alg: 'Ed25519' };
    else throw new UsageError(`--alg must be EC, RSA or Ed25519, not '${values.alg}'`);
    if (values.curve !== undefined && alg !== 'EC') throw new UsageError('--curve only applies to --alg EC');
    if (values.bits !== undefined && alg !== 'RSA') throw new UsageError('--bits only applies to --alg RSA');
    const pair = await generateKeyPair(spec);
    io.stdout(pair.privateKeyPem);
    return 0;
  },
};

export const keyShowCommand: Command = {
  name: 'key show',
  summary: 'print a key as openssl pkey -text -noout does',
  help: `Usage: authlab key show <key.pem>

Prints the key's parts the way "openssl pkey -text -noout" does: for EC the private scalar (priv),
the public point (pub, 04 || x || y) and the curve; for RSA the modulus, exponents and primes;
for Ed25519 the 32-byte private and public values. A public key PEM prints its public part only.
Use "-" to read the PEM from standard input.
`,
  async run(args, io) {
    const { positionals } = parseOptions(args, {});
    const pem = (await io.readFile(onePositional(positionals, 'PEM file'))).toString('utf8');
    const isPrivate = decodePemAll(pem).some((b) => b.label.endsWith('PRIVATE KEY'));
    io.stdout(describeKeyText(isPrivate ? readPrivateKey(pem) : readPublicKey(pem)));
    return 0;
  },
};

export const keyPubCommand: Command = {
  name: 'key pub',
  summary: 'print the public key (SPKI PEM) of a private key, like openssl pkey -pubout',
  help: `Usage: authlab key pub <key.pem>

Prints the SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----") of a private key, a public key or a
certificate. The public key is contained in the private key: nothing secret is needed to derive it
from the private key file, but nothing private survives in the output.

Same as: openssl pkey -pubout -in key.pem
`,
  async run(args, io) {
    const { positionals } = parseOptions(args, {});
    const pem = (await io.readFile(onePositional(positionals, 'PEM file'))).toString('utf8');
    io.stdout(readPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString());
    return 0;
  },
};

export const keyCommand: Command = {
  name: 'key',
  summary: 'key tools: key gen, key show, key pub',
  help: `Usage: authlab key <gen|show|pub> [options]

  key gen    generate a private key (PKCS#8 PEM)
  key show   print a key as openssl pkey -text -noout does
  key pub    print the public key (SPKI PEM)

See authlab key <subcommand> --help.
`,
  async run(args) {
    throw new UsageError(args.length === 0 ? 'missing subcommand: gen, show or pub' : `unknown subcommand '${args[0]}': use gen, show or pub`);
  },
};

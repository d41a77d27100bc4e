/** `authlab jwk gen | from-pem`: what mkjwk and eckles do (plus the deck's sed pipeline that adds x5c). */
import { generateJwk, jwkWithX5c, orderJwkMembers, pemToJwk, readCertificates, type GenerateJwkOptions } from '@client-auth-lab/lib';
import { type Command, onePositional, parseOptions, UsageError } from '../command.js';

export const jwkGenCommand: Command = {
  name: 'jwk gen',
  summary: 'generate a key as JWKs: private, public and a JWK Set (like mkjwk)',
  help: `Usage: authlab jwk gen [--kty EC --crv P-256 | --kty RSA --size 2048 | --kty OKP --crv Ed25519 | --kty oct --size 256]
                      [--alg ALG] [--use sig|enc] [--kid KID]

Prints {"private": JWK, "public": JWK, "jwks": {"keys": [public]}}. The private JWK has "d" (RSA also
p, q, dp, dq, qi); the public one has only the public members, ready to register as jwks.
For kty oct (a shared secret for HS256…) there is no public half: "public" repeats the secret key.

  --kty    EC (default), RSA, OKP or oct
  --crv    EC: P-256 (default), P-384, P-521; OKP: Ed25519 (default) or X25519
  --size   RSA bits (default 2048, at least 2048) or oct bits (default 256)
  --alg    ES256, ES384, ES512, RS256…, PS256…, EdDSA, HS256… (checked against the key)
  --use    sig or enc (RFC 7517 §4.2)
  --kid    key ID; default: the RFC 7638 thumbprint of the key
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { kty: { type: 'string' }, crv: { type: 'string' }, size: { type: 'string' }, alg: { type: 'string' }, use: { type: 'string' }, kid: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const kty = values.kty ?? 'EC';
    if (!['EC', 'RSA', 'OKP', 'oct'].includes(kty)) throw new UsageError(`--kty must be EC, RSA, OKP or oct, not '${kty}'`);
    const size = values.size === undefined ? undefined : Number(values.size);
    if (size !== undefined && !Number.isInteger(size)) throw new UsageError(`--size must be a whole number of bits, not '${values.size}'`);
    const options: GenerateJwkOptions = { kty: kty as GenerateJwkOptions['kty'] };
    if (values.crv !== undefined) options.crv = values.crv;
    if (size !== undefined) options.size = size;
    if (values.alg !== undefined) options.alg = values.alg;
    if (values.use !== undefined) options.use = values.use as 'sig';
    if (values.kid !== undefined) options.kid = values.kid;
    io.stdout(`${JSON.stringify(generateJwk(options), null, 2)}\n`);
    return 0;
  },
};

export const jwkFromPemCommand: Command = {
  name: 'jwk from-pem',
  summary: 'convert a PEM key to a JWK, optionally with x5c (like eckles)',
  help: `Usage: authlab jwk from-pem <key.pem> [--x5c <cert.pem>] [--kid KID] [--alg ALG] [--use sig|enc]

Prints the JWK of a PEM key, as "eckles key.pem" does: a private key gives a private JWK (with "d"),
a public key gives a public JWK.

  --x5c cert.pem   add "x5c" (RFC 7517 §4.7): the certificates of the PEM file, leaf first, as standard
                   Base64 DER. The first certificate must hold this very key, or the command refuses.
                   This replaces the deck's sed pipeline that pasted the PEM body into the JWK.
  --kid, --alg, --use   extra members to set
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { x5c: { type: 'string' }, kid: { type: 'string' }, alg: { type: 'string' }, use: { type: 'string' } });
    const pem = (await io.readFile(onePositional(positionals, 'PEM file'))).toString('utf8');
    let jwk: Record<string, unknown> = pemToJwk(pem);
    if (values.use !== undefined) jwk.use = values.use;
    if (values.alg !== undefined) jwk.alg = values.alg;
    if (values.kid !== undefined) jwk.kid = values.kid;
    if (values.x5c !== undefined) {
      const certificates = readCertificates((await io.readFile(values.x5c)).toString('utf8'));
      jwk = jwkWithX5c(jwk, certificates);
    }
    io.stdout(`${JSON.stringify(orderJwkMembers(jwk), null, 2)}\n`);
    return 0;
  },
};

export const jwkCommand: Command = {
  name: 'jwk',
  summary: 'JWK tools: jwk gen, jwk from-pem',
  help: `Usage: authlab jwk <gen|from-pem> [options]

  jwk gen        generate a key as private JWK, public JWK and JWK Set (mkjwk)
  jwk from-pem   convert a PEM key to a JWK, optionally with x5c (eckles)
`,
  async run(args) {
    throw new UsageError(args.length === 0 ? 'missing subcommand: gen or from-pem' : `unknown subcommand '${args[0]}': use gen or from-pem`);
  },
};

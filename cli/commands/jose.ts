/** `authlab jose sign`: a compact JWS like mkjose / jose-generator, with a client-assertion preset (RFC 7523). */
import { signClientAssertion, signCompactJws } from '@client-auth-lab/lib';
import { type Command, parseOptions, UsageError } from '../command.js';

function parseJwk(text: string, file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${file} does not hold a JWK object`);
  const record = parsed as Record<string, unknown>;
  // The output of "authlab jwk gen" can be passed as is: take its private key.
  if (typeof record.private === 'object' && record.private !== null) return record.private as Record<string, unknown>;
  return record;
}

export const joseSignCommand: Command = {
  name: 'jose sign',
  summary: 'sign a payload as a compact JWS (like mkjose), or make a client assertion',
  help: `Usage: authlab jose sign --payload-file F --jwk-file K [--alg ALG] [--typ TYP]
       authlab jose sign --client-assertion --client-id ID --aud URL --jwk-file K [--alg ALG] [--lifetime SECONDS]

Prints a compact JWS, BASE64URL(header).BASE64URL(payload).BASE64URL(signature) (RFC 7515 §7.1).

  --payload-file F     the bytes to sign ("-" for standard input), usually a JSON claim set
  --jwk-file K         the private JWK (or the output of "authlab jwk gen"; its private key is used)
  --alg ALG            ES256, ES384, ES512, RS256…, PS256…, EdDSA, HS256… (default: from the key)
  --typ TYP            a "typ" header value, e.g. JWT

Client-assertion preset (private_key_jwt / client_secret_jwt, RFC 7523 §2.2 and §3):
  --client-assertion   build the payload instead of reading it:
                       iss = sub = client_id, aud, jti (random), iat (now), exp (iat + lifetime)
  --client-id ID       the client_id
  --aud URL            the authorization server: its token endpoint URL or issuer identifier
  --lifetime SECONDS   exp - iat (default 300)
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      'payload-file': { type: 'string' }, 'jwk-file': { type: 'string' }, alg: { type: 'string' }, typ: { type: 'string' },
      'client-assertion': { type: 'boolean' }, 'client-id': { type: 'string' }, aud: { type: 'string' }, lifetime: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const jwkFile = values['jwk-file'];
    if (jwkFile === undefined) throw new UsageError('--jwk-file is required');
    const jwk = parseJwk((await io.readFile(jwkFile)).toString('utf8'), jwkFile);
    if (values['client-assertion']) {
      if (values['payload-file'] !== undefined) throw new UsageError('--client-assertion builds the payload itself: leave out --payload-file');
      const clientId = values['client-id'];
      const audience = values.aud;
      if (clientId === undefined || audience === undefined) throw new UsageError('--client-assertion needs --client-id and --aud');
      const lifetime = values.lifetime === undefined ? undefined : Number(values.lifetime);
      const { assertion } = await signClientAssertion({
        clientId, audience, jwk,
        ...(values.alg === undefined ? {} : { alg: values.alg }),
        ...(lifetime === undefined ? {} : { lifetimeSeconds: lifetime }),
      });
      io.stdout(`${assertion}\n`);
      return 0;
    }
    const payloadFile = values['payload-file'];
    if (payloadFile === undefined) throw new UsageError('--payload-file is required (or use --client-assertion)');
    const payload = new Uint8Array(await io.readFile(payloadFile));
    const jws = await signCompactJws({
      payload, jwk,
      ...(values.alg === undefined ? {} : { alg: values.alg }),
      ...(values.typ === undefined ? {} : { header: { typ: values.typ } }),
    });
    io.stdout(`${jws}\n`);
    return 0;
  },
};

export const joseCommand: Command = {
  name: 'jose',
  summary: 'JOSE tools: jose sign',
  help: `Usage: authlab jose sign [options]

  jose sign   sign a payload as a compact JWS, or make an RFC 7523 client assertion
`,
  async run(args) {
    throw new UsageError(args.length === 0 ? 'missing subcommand: sign' : `unknown subcommand '${args[0]}': use sign`);
  },
};

import { parseArgs } from 'node:util';
import { formatJwtInspection, inspectJwt, type Jwk } from '@client-auth-lab/lib';
import { type Command, UsageError } from '../command.js';

export const jwtInspect: Command = {
  name: 'jwt inspect',
  summary: 'decode a JWT, verify its signature with a key, and list its problems',
  help: `authlab jwt inspect <compact-jwt> [--jwk-file F] [--secret S] [--at TIME] [--json]

Decodes the header and payload of a compact JWT (RFC 7519), verifies the signature when a key is given,
and lists every problem: expired, not yet valid, issued in the future, a missing claim (iss, sub, aud,
exp, jti, as a client assertion needs them), alg none, a bad signature.

  <compact-jwt>    the JWT itself, or - to read it from standard input (line breaks are ignored)
  --jwk-file F     a public JWK, a key pair JWK or a JWK Set to verify the signature with
  --secret S       the client secret, for HS256/HS384/HS512 (client_secret_jwt)
  --at TIME        judge the times at this instant (ISO 8601 or seconds since the epoch) instead of now
  --json           print {"header", "payload", "signature", "problems": [codes], "judgedAt"}

The signature is "valid", "invalid" or "unchecked" (no key given).
Example: authlab jwt inspect eyJhbGciOiJFUzI1NiJ9.… --jwk-file key_pair.jwk --at 2018-09-05T08:00:00Z`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'jwk-file': { type: 'string' }, secret: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' } },
    });
    const [input] = positionals;
    if (input === undefined) throw new UsageError('a compact JWT is required');
    const compact = input === '-' ? (await io.readFile('-')).toString('utf8') : input;
    let key: Jwk | { keys: Jwk[] } | undefined;
    if (values['jwk-file'] !== undefined) {
      try {
        key = JSON.parse((await io.readFile(values['jwk-file'])).toString('utf8')) as Jwk;
      } catch (error) {
        throw new UsageError(`--jwk-file ${values['jwk-file']} is not a JSON JWK: ${(error as Error).message}`);
      }
    }
    let now: number | undefined;
    if (values.at !== undefined) {
      now = /^\d+$/.test(values.at) ? Number(values.at) * 1000 : Date.parse(values.at);
      if (Number.isNaN(now)) throw new UsageError(`--at ${values.at} is neither ISO 8601 nor seconds since the epoch`);
    }
    const inspection = inspectJwt(compact, {
      ...(key === undefined ? {} : { key }),
      ...(values.secret === undefined ? {} : { secret: values.secret }),
      ...(now === undefined ? {} : { now }),
    });
    if (values.json) {
      const { header, payload, signature, problems, judgedAt } = inspection;
      io.stdout(`${JSON.stringify({ header, payload, signature, problems: problems.map((p) => p.code), judgedAt }, null, 2)}\n`);
    } else {
      io.stdout(formatJwtInspection(inspection));
    }
    return 0;
  },
};

/** `authlab server`: run the bundled authorization server until Ctrl-C (SIGINT) or SIGTERM. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLabServer, isPostgresUrl, parseProfileName, TRACE_ACCESS_MODES, type StartLabServerOptions, type TraceAccessMode } from '@client-auth-lab/lab-server';
import { type Command, UsageError } from '../command.js';

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new UsageError(`${name} must be a port number from 0 to 65535, not '${value}'`);
  return n;
}

async function readClients(path: string): Promise<Record<string, unknown>[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--clients ${path}: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { clients?: unknown })?.clients;
  if (!Array.isArray(list) || !list.every((c) => c !== null && typeof c === 'object' && !Array.isArray(c))) {
    throw new UsageError(`--clients ${path}: expected a JSON array of client metadata objects (or {"clients": [...]})`);
  }
  return list as Record<string, unknown>[];
}

function perMinute(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number of requests per minute (0: no limit), not '${text}'`);
  return Number(text);
}

export const server: Command = {
  name: 'server',
  summary: 'run the lab authorization server (HTTP + mutual-TLS listeners)',
  help: `Usage: authlab server [--port 4000] [--tls-port 4443] [--issuer URL] [--data DIR | --store URL] [--profile NAME]
                      [--aud-policy interop|strict] [--require-typ] [--trust-proxy ADDR[,ADDR]] [--clients FILE]
                      [--registration-token T] [--traces all|self|off] [--instructor-token T]
                      [--host ADDR] [--public-host NAME] [--allow-jwks-host HOST[,HOST]]
                      [--rate-limit N] [--registration-rate-limit N] [--rate-limit-by-address]

Runs the bundled authorization server: every client-authentication method of the course, over plain
HTTP and over real mutual TLS, with a trace of every decision at /lab/traces.

  --port                plain HTTP port (secrets, assertions, reverse proxy); 0 picks a free port
  --tls-port            HTTPS port that asks for a client certificate (RFC 8705); 0 picks a free port
  --issuer              issuer identifier (default http://localhost:<port>)
  --data                keep clients, tokens, the lab CA and keys in DIR (default: memory only)
  --store               keep them, the replay store and the traces in PostgreSQL (postgres://…) instead:
                        every process started with the same database and --issuer acts as one server
  --profile             none (default), fapi1-part1, fapi1-part2, fapi2
  --aud-policy          interop (default) or strict: what aud a client assertion may carry, and whether a
                        secret may travel by the transport the client did not register
  --require-typ         refuse client assertions not typed client-authentication+jwt (off by default)
  --trust-proxy         addresses whose X-Ssl-Cert / Client-Cert headers are believed
  --clients             JSON file of clients to register at start (metadata, optional client_id/client_secret)
  --registration-token  require this initial access token for registration (workshop mode)
  --traces              who may read /lab/traces: all (default); self (each student sees only their own
                        client's traces, shown with its registration_access_token); off
  --instructor-token    a token that sees every trace in any mode (workshops)
  --host                address to bind (default 127.0.0.1)
  --public-host         host name in the URLs (default localhost)
  --allow-jwks-host     on a shared server (--registration-token, or --host not loopback), hosts a
                        jwks_uri may name over http or on a private address; others must be https and public
  --rate-limit          token requests per client per minute on a shared server (default 600; 0: none)
  --registration-rate-limit  registrations per initial access token per minute (default 600; 0: none)
  --rate-limit-by-address    also limit token requests per source address (off: a room often shares one NAT)

Prints one line per listener with its URL, then serves until Ctrl-C.
The lab CA (trust it with curl --cacert) is at <http URL>/lab/ca.pem, and in DIR/lab-ca.pem with --data.
`,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          port: { type: 'string' }, 'tls-port': { type: 'string' }, issuer: { type: 'string' }, data: { type: 'string' }, store: { type: 'string' },
          profile: { type: 'string' }, 'aud-policy': { type: 'string' }, 'trust-proxy': { type: 'string' }, clients: { type: 'string' },
          'registration-token': { type: 'string' }, host: { type: 'string' }, 'public-host': { type: 'string' },
          traces: { type: 'string' }, 'instructor-token': { type: 'string' }, 'require-typ': { type: 'boolean' }, 'allow-jwks-host': { type: 'string', multiple: true },
          'rate-limit': { type: 'string' }, 'registration-rate-limit': { type: 'string' }, 'rate-limit-by-address': { type: 'boolean' },
        },
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const v = parsed.values;
    const audPolicy = v['aud-policy'];
    if (audPolicy !== undefined && audPolicy !== 'interop' && audPolicy !== 'strict') throw new UsageError(`--aud-policy must be interop or strict, not '${audPolicy}'`);
    const traceAccess = v.traces;
    if (traceAccess !== undefined && !(TRACE_ACCESS_MODES as readonly string[]).includes(traceAccess)) {
      throw new UsageError(`--traces must be ${TRACE_ACCESS_MODES.join(', ')}, not '${traceAccess}'`);
    }
    let profile;
    try {
      profile = parseProfileName(v.profile);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (v.issuer !== undefined && !/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(v.issuer)) throw new UsageError(`--issuer must be an http(s) URL without query or fragment, not '${v.issuer}'`);
    if (v.store !== undefined && v.data !== undefined) throw new UsageError('--store and --data both say where to keep the state: give one');
    if (v.store !== undefined && !isPostgresUrl(v.store)) throw new UsageError(`--store must be a postgres:// or postgresql:// URL, not '${v.store.replace(/:[^:@/]*@/, ':****@')}'`);
    const options: StartLabServerOptions = {
      port: port(v.port, '--port', 4000),
      tlsPort: port(v['tls-port'], '--tls-port', 4443),
      profile,
      ...(v.issuer === undefined ? {} : { issuer: v.issuer }),
      ...(v.data === undefined ? {} : { dataDir: v.data }),
      ...(v.store === undefined ? {} : { storeUrl: v.store }),
      ...(audPolicy === undefined ? {} : { audiencePolicy: audPolicy }),
      ...(v['require-typ'] === true ? { requireExplicitTyp: true } : {}),
      ...(v['trust-proxy'] === undefined ? {} : { trustProxy: v['trust-proxy'].split(',').map((a) => a.trim()).filter((a) => a !== '') }),
      ...(v.clients === undefined ? {} : { clients: await readClients(v.clients) }),
      ...(v['registration-token'] === undefined ? {} : { registrationToken: v['registration-token'] }),
      ...(traceAccess === undefined ? {} : { traceAccess: traceAccess as TraceAccessMode }),
      ...(v['instructor-token'] === undefined ? {} : { instructorToken: v['instructor-token'] }),
      ...(v.host === undefined ? {} : { host: v.host }),
      ...(v['public-host'] === undefined ? {} : { publicHost: v['public-host'] }),
      ...(v['allow-jwks-host'] === undefined ? {} : { allowJwksHosts: v['allow-jwks-host'].flatMap((h) => h.split(',')).map((h) => h.trim()).filter((h) => h !== '') }),
      ...(v['rate-limit'] === undefined ? {} : { tokenRateLimit: perMinute(v['rate-limit'], '--rate-limit') }),
      ...(v['registration-rate-limit'] === undefined ? {} : { registrationRateLimit: perMinute(v['registration-rate-limit'], '--registration-rate-limit') }),
      ...(v['rate-limit-by-address'] === true ? { rateLimitByAddress: true } : {}),
      log: (message) => io.stderr(`${message}\n`),
    };
    const running = await startLabServer(options);
    io.stdout(`http  ${running.httpUrl}  issuer ${running.issuer}${options.profile === 'none' ? '' : `, profile ${options.profile}`}\n`);
    if (running.httpsUrl !== undefined) {
      const caFile = options.dataDir === undefined ? `${running.httpUrl}/lab/ca.pem` : join(options.dataDir, 'lab-ca.pem');
      io.stdout(`https ${running.httpsUrl}  mutual TLS, server certificate from the lab CA (${caFile})\n`);
    }
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await running.stop();
    io.stderr('authlab server: stopped\n');
    return 0;
  },
};

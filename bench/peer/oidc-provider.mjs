/**
 * The peer for the token-endpoint benchmark: node-oidc-provider with the same clients as the lab,
 * client_credentials on, and the same checks (assertion aud, exp, iss/sub, signature, jti replay;
 * client_secret_basic; tls_client_auth over real mutual TLS with the lab CA).
 *
 *   node bench/peer/oidc-provider.mjs CONFIG.json
 *
 * CONFIG: { clients: [...oidc-provider client metadata], caPem, serverCertPem, serverKeyPem }.
 * Prints "http URL" and "https URL" like `authlab server`, then serves until SIGTERM.
 *
 * Storage: oidc-provider's default MemoryAdapter is an LRU of 1000 entries shared by every model, so
 * under load it would forget a jti after ~1000 requests. The lab remembers every jti until it
 * expires (RFC 7523 §3 (7)); to compare the same check, the peer gets a Map adapter that keeps every
 * entry until it expires, swept like the lab's store.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const entries = new Map();
function live(key) {
  const entry = entries.get(key);
  if (entry === undefined) return undefined;
  if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
    entries.delete(key);
    return undefined;
  }
  return entry;
}
setInterval(() => {
  const now = Date.now();
  for (const [key, entry] of entries) if (entry.expiresAt !== undefined && entry.expiresAt <= now) entries.delete(key);
}, 60_000).unref();

class MapAdapter {
  constructor(name) {
    this.name = name;
  }
  key(id) {
    return `${this.name}:${id}`;
  }
  async upsert(id, payload, expiresIn) {
    entries.set(this.key(id), { payload, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined });
  }
  async find(id) {
    return live(this.key(id))?.payload;
  }
  async findByUserCode(userCode) {
    const id = live(`${this.name}:userCode:${userCode}`)?.payload;
    return id === undefined ? undefined : this.find(id);
  }
  async findByUid(uid) {
    const id = live(`${this.name}:uid:${uid}`)?.payload;
    return id === undefined ? undefined : this.find(id);
  }
  async consume(id) {
    const entry = live(this.key(id));
    if (entry !== undefined) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    entries.delete(this.key(id));
  }
  async revokeByGrantId() {}
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

const httpServer = http.createServer();
const httpsServer = https.createServer({
  key: config.serverKeyPem,
  cert: config.serverCertPem,
  ca: [config.caPem],
  requestCert: true,
  rejectUnauthorized: false,
});
const httpPort = await listen(httpServer);
const httpsPort = await listen(httpsServer);
const issuer = `http://localhost:${httpPort}`;

/** RFC 4514 string of the peer certificate's subject, as Node parsed it (most specific RDN first). */
function subjectDn(socket) {
  const subject = socket.getPeerCertificate().subject ?? {};
  return Object.entries(subject).reverse().map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(',');
}

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: config.clients,
  clientAuthMethods: ['client_secret_basic', 'private_key_jwt', 'tls_client_auth'],
  enabledJWA: { clientAuthSigningAlgValues: ['ES256'] },
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    mTLS: {
      enabled: true,
      tlsClientAuth: true,
      certificateBoundAccessTokens: false,
      getCertificate(ctx) {
        const socket = ctx.socket;
        if (typeof socket.getPeerCertificate !== 'function') return undefined;
        const peer = socket.getPeerCertificate();
        return peer && peer.raw ? peer.raw : undefined;
      },
      certificateAuthorized(ctx) {
        return ctx.socket.authorized === true;
      },
      certificateSubjectMatches(ctx, property, expected) {
        if (property !== 'tls_client_auth_subject_dn') return false;
        return subjectDn(ctx.socket) === expected;
      },
    },
  },
  ttl: { ClientCredentials: 3600 },
});
provider.on('server_error', (ctx, error) => console.error('oidc-provider server_error', error));

const callback = provider.callback();
httpServer.on('request', callback);
httpsServer.on('request', callback);
process.stdout.write(`http  ${issuer}\nhttps https://localhost:${httpsPort}\n`);
process.on('SIGTERM', () => {
  httpServer.close();
  httpsServer.close();
  httpServer.closeAllConnections();
  httpsServer.closeAllConnections();
  process.exit(0);
});

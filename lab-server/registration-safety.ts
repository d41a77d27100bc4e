/**
 * Registration on a shared server: a student's jwks_uri is a URL the server will fetch, so it must not
 * point the server at its own machine or the room's network (server-side request forgery). When the
 * server is shared (--registration-token set, or --host not loopback), a jwks_uri must be https, or name
 * a host the instructor allowed (--allow-jwks-host); every address its host resolves to must be public
 * unless the host is allowed. Fetches themselves keep lib's size and time limits and never follow
 * redirects. On a learner's own machine (localhost, no token) nothing here applies.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { OAuthError, type CheckLog } from '@client-auth-lab/lib';

/** Address ranges a shared server never fetches from, each with the rule that names it. */
const RANGES: readonly { name: string; spec: string; v4?: [string, number][]; v6?: [string, number][] }[] = [
  { name: 'loopback', spec: 'RFC 1122 §3.2.1.3; RFC 4291 §2.5.3', v4: [['127.0.0.0', 8]], v6: [['::1', 128]] },
  { name: 'unspecified', spec: 'RFC 1122 §3.2.1.3; RFC 4291 §2.5.2', v4: [['0.0.0.0', 8]], v6: [['::', 128]] },
  { name: 'link-local', spec: 'RFC 3927; RFC 4291 §2.5.6', v4: [['169.254.0.0', 16]], v6: [['fe80::', 10]] },
  { name: 'private', spec: 'RFC 1918; RFC 4193', v4: [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]], v6: [['fc00::', 7]] },
  { name: 'shared address space (carrier NAT)', spec: 'RFC 6598', v4: [['100.64.0.0', 10]] },
  { name: 'multicast or reserved', spec: 'RFC 5771; RFC 1112 §4', v4: [['224.0.0.0', 3]], v6: [['ff00::', 8]] },
];

const BLOCKS = RANGES.map((range) => {
  const list = new BlockList();
  for (const [net, prefix] of range.v4 ?? []) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of range.v6 ?? []) list.addSubnet(net, prefix, 'ipv6');
  return { ...range, list };
});

/** The range an address falls in, or undefined for a public one. IPv4-mapped IPv6 is read as IPv4. */
export function nonPublicRange(address: string): { name: string; spec: string } | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const bare = mapped?.[1] ?? address;
  const family = isIP(bare) === 4 ? 'ipv4' : 'ipv6';
  return BLOCKS.find((b) => b.list.check(bare, family));
}

function refuse(log: CheckLog, code: string, description: string, spec: string): never {
  log.checks.push({ name: 'jwks_uri on a shared server', passed: false, detail: description, spec });
  throw new OAuthError('invalid_client_metadata', code, description, { spec });
}

export interface JwksUriPolicy {
  allowHosts: readonly string[];
  /** Resolves a host name to every address (default: the system resolver, all addresses). */
  resolve?: (host: string) => Promise<string[]>;
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

/** Refuses a jwks_uri a shared server must not fetch; records a passed check otherwise. */
export async function checkJwksUriForSharedServer(jwksUri: string, policy: JwksUriPolicy, log: CheckLog): Promise<void> {
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    return refuse(log, 'ERR_JWKS_URI_INVALID', `jwks_uri ${JSON.stringify(jwksUri)} is not a URL`, 'RFC 7591 §2');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const allowed = policy.allowHosts.includes(host) || policy.allowHosts.includes(url.host.toLowerCase());
  if (allowed) {
    log.pass('jwks_uri on a shared server', `${url.host} is a host the instructor allowed (--allow-jwks-host)`, 'RFC 7591 §5');
    return;
  }
  // RFC 7591 §5: the server should not fetch keys over an unprotected channel; the lab requires https when shared.
  if (url.protocol !== 'https:') {
    return refuse(log, 'ERR_JWKS_URI_NOT_HTTPS', `on this shared server a jwks_uri must use https (or a host the instructor allowed with --allow-jwks-host); ${url.protocol}//${url.host} is neither`, 'RFC 7591 §5; RFC 7517 §5');
  }
  let addresses: string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : await (policy.resolve ?? resolveAll)(host);
  } catch (error) {
    return refuse(log, 'ERR_JWKS_URI_UNRESOLVED', `the jwks_uri host ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 'RFC 7591 §2');
  }
  if (addresses.length === 0) return refuse(log, 'ERR_JWKS_URI_UNRESOLVED', `the jwks_uri host ${host} has no address`, 'RFC 7591 §2');
  // Every address: a name with one public and one private address would still reach the private one.
  for (const address of addresses) {
    const range = nonPublicRange(address);
    if (range !== undefined) {
      return refuse(log, 'ERR_JWKS_URI_PRIVATE_ADDRESS',
        `the jwks_uri host ${host} resolves to ${address}, a ${range.name} address (${range.spec}); a shared server does not fetch from its own machine or network unless the instructor allows the host (--allow-jwks-host)`,
        'RFC 7591 §5; RFC 9700 §4.16');
    }
  }
  log.pass('jwks_uri on a shared server', `https, and ${host} resolves to public addresses only (${addresses.join(', ')})`, 'RFC 7591 §5');
}

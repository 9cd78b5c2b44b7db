import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Destinations an operator lets webhooks reach although they are not public
 * (`PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE`): `all` turns the guard off, `ranges` are CIDRs (a single
 * address is a /32 or /128), `hosts` are host names (`*.corp.example` matches every subdomain).
 */
export interface PrivateAllowList {
  all: boolean;
  ranges: readonly (readonly [ipaddr.IPv4 | ipaddr.IPv6, number])[];
  hosts: readonly string[];
}

/**
 * The allowlist that allows nothing private: the default.
 *
 * @example
 * ```ts
 * await deliverWebhook({ ...delivery, allowPrivate: NO_PRIVATE });
 * ```
 */
export const NO_PRIVATE: PrivateAllowList = Object.freeze({ all: false, ranges: [], hosts: [] });

const HOST = /^(\*\.)?[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*$/;

/**
 * Parses `PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE`: comma-separated CIDRs, addresses or host names, or
 * `*` for any destination. Throws on an entry that is none of these, so a typo fails at start.
 *
 * @example
 * ```ts
 * parsePrivateAllowList('10.20.0.0/16, hooks.internal, *.corp.example');
 * parsePrivateAllowList(undefined); // NO_PRIVATE
 * ```
 */
export function parsePrivateAllowList(raw: string | undefined): PrivateAllowList {
  const entries = (raw ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  if (entries.length === 0) return NO_PRIVATE;
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  const hosts: string[] = [];
  let all = false;
  for (const entry of entries) {
    const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
    if (entry === '*') all = true;
    else if (entry.includes('/') && ipaddr.isValidCIDR(entry)) ranges.push(ipaddr.parseCIDR(entry));
    else if (isIP(bare)) {
      const address = ipaddr.parse(bare);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (HOST.test(entry.replace(/\.$/, '')) && !/^[0-9.]+$/.test(entry)) hosts.push(entry.replace(/\.$/, ''));
    else throw new Error(`PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE: "${entry}" is not a CIDR, an IP address, a host name or *`);
  }
  return { all, ranges, hosts };
}

/**
 * Classifies an IP address for outbound requests: `'public'` for a globally routed unicast
 * address, else the kind of special range it is in (`loopback`, `private`, `linkLocal`,
 * `carrierGradeNat`, `uniqueLocal`, `unspecified`, `multicast`, `broadcast`, `reserved`, ...).
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::`)
 * addresses are judged by the IPv4 address they carry; IPv6 outside global unicast `2000::/3`
 * is never public. Throws on a string that is not an IP address.
 *
 * @example
 * ```ts
 * classifyAddress('93.184.215.14'); // 'public'
 * classifyAddress('169.254.169.254'); // 'linkLocal'
 * classifyAddress('::ffff:127.0.0.1'); // 'loopback'
 * ```
 */
export function classifyAddress(ip: string): string {
  return classify(parseAddress(ip));
}

/** Parses an address in the strict forms DNS answers and URL hosts have (no `1.2.3` shorthands). */
function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 {
  if (!isIP(ip)) throw new Error(`"${ip}" is not an IP address`);
  return ipaddr.parse(ip);
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

function classify(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (address.kind() === 'ipv4') {
    const range = (address as ipaddr.IPv4).range();
    return range === 'unicast' ? 'public' : range;
  }
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return classify(v6.toIPv4Address());
  const range: string = v6.range();
  const bytes = v6.toByteArray();
  // NAT64 well-known prefix /96 (64:ff9b::/96, not the local-use /48): the IPv4 host it reaches.
  if (range === 'rfc6052' && v6.match(ipaddr.parseCIDR('64:ff9b::/96'))) return classify(ipaddr.fromByteArray(bytes.slice(12, 16)));
  // 6to4 (2002::/16): the IPv4 address of the relay-less tunnel endpoint.
  if (range === '6to4') return classify(ipaddr.fromByteArray(bytes.slice(2, 6)));
  if (range !== 'unicast') return range;
  return v6.match(GLOBAL_UNICAST_V6) ? 'public' : 'reserved';
}

/**
 * Whether a webhook may reach `ip` for the URL host `host`: public addresses always, others only
 * when the allowlist names the host or a range holding the address. Returns why not, or null.
 *
 * @example
 * ```ts
 * refusal('127.0.0.1', 'localhost', NO_PRIVATE); // 'loopback'
 * refusal('127.0.0.1', 'localhost', parsePrivateAllowList('127.0.0.1')); // null
 * ```
 */
export function refusal(ip: string, host: string, allow: PrivateAllowList): string | null {
  if (allow.all || hostAllowed(host, allow)) return null;
  const parsed = parseAddress(ip);
  const kind = classify(parsed);
  if (kind === 'public') return null;
  const address = parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  return allow.ranges.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits)) ? null : kind;
}

function hostAllowed(host: string, allow: PrivateAllowList): boolean {
  if (allow.hosts.length === 0) return false;
  const h = host.toLowerCase().replace(/\.$/, '');
  return allow.hosts.some((entry) => (entry.startsWith('*.') ? h.endsWith(entry.slice(1)) : h === entry));
}

/**
 * A destination a webhook must not reach; a permanent failure (retrying cannot fix it).
 *
 * @example
 * ```ts
 * throw new RefusedDestinationError('http://10.0.0.5/hook', '10.0.0.5', 'private');
 * ```
 */
export class RefusedDestinationError extends Error {
  readonly code = 'EPIPEWRIGHT_REFUSED_DESTINATION';
  constructor(
    readonly url: string,
    readonly address: string,
    readonly kind: string,
  ) {
    super(`${url} resolves to ${address} (${kind}); webhooks only reach public addresses unless PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE allows it`);
  }
}

/**
 * A `lookup` for `http.request` that resolves the host once and refuses the connection unless
 * every address is allowed ({@link refusal}); the socket then connects to exactly the addresses
 * that were checked, so a DNS answer that changes between check and connect (rebinding) cannot
 * slip through. IP literals never reach a lookup: check them with {@link refusal} first.
 *
 * @example
 * ```ts
 * http.request(url, { lookup: guardedLookup(url.href, NO_PRIVATE) });
 * ```
 */
export function guardedLookup(url: string, allow: PrivateAllowList): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '');
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      for (const a of addresses) {
        const why = refusal(a.address, hostname, allow);
        if (why) return callback(new RefusedDestinationError(url, a.address, why), '');
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

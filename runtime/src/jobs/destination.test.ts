import { lookup as dnsLookup } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { NO_PRIVATE, RefusedDestinationError, classifyAddress, guardedLookup, parsePrivateAllowList, refusal } from './destination';

describe('classifyAddress', () => {
  it.each([
    ['93.184.215.14', 'public'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['192.169.0.1', 'public'],
    ['169.253.255.255', 'public'],
    ['11.0.0.1', 'public'],
  ])('IPv4 %s is %s', (ip, kind) => expect(classifyAddress(ip)).toBe(kind));

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
  ])('IPv4 %s is not public (%s)', (ip, kind) => expect(classifyAddress(ip)).toBe(kind));

  it.each([
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['2001:4860:4860::8888', 'public'],
    // NAT64 of a public IPv4 address (DNS64 networks) and 6to4 of one.
    ['64:ff9b::808:808', 'public'],
    ['2002:808:808::1', 'public'],
  ])('IPv6 %s is %s', (ip, kind) => expect(classifyAddress(ip)).toBe(kind));

  it.each([
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['febf:ffff::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'teredo'],
    ['fec0::1', 'deprecatedSiteLocal'],
    // IPv4-compatible (deprecated) and other space outside global unicast 2000::/3.
    ['::7f00:1', 'reserved'],
    ['4000::1', 'reserved'],
    ['64:ff9b:1::a00:1', 'rfc6052'],
  ])('IPv6 %s is not public (%s)', (ip, kind) => expect(classifyAddress(ip)).toBe(kind));

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:a9fe:a9fe', 'linkLocal'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['::ffff:100.64.0.1', 'carrierGradeNat'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['::ffff:0:7f00:1', 'rfc6145'],
  ])('embedded IPv4 %s is judged by the IPv4 address (%s)', (ip, kind) => expect(classifyAddress(ip)).toBe(kind));

  it('IPv4-mapped public addresses are public', () => {
    expect(classifyAddress('::ffff:8.8.8.8')).toBe('public');
    expect(classifyAddress('::ffff:808:808')).toBe('public');
  });

  it('throws on something that is not an address', () => {
    for (const bad of ['localhost', '1.2.3', '', '::g', '256.1.1.1']) expect(() => classifyAddress(bad), bad).toThrow();
  });
});

describe('parsePrivateAllowList (PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE)', () => {
  it('is empty without a value', () => {
    expect(parsePrivateAllowList(undefined)).toBe(NO_PRIVATE);
    expect(parsePrivateAllowList(' , ')).toBe(NO_PRIVATE);
    expect(loadConfig({}).webhookAllowPrivate).toBe(NO_PRIVATE);
  });

  it('reads CIDRs, single addresses, host names and *', () => {
    const list = parsePrivateAllowList(' 10.20.0.0/16, 127.0.0.1 ,fd00::/8, [::1], Hooks.Internal., *.corp.example ');
    expect(list.all).toBe(false);
    expect(list.ranges.map(([net, bits]) => `${net.toString()}/${bits}`)).toEqual(['10.20.0.0/16', '127.0.0.1/32', 'fd00::/8', '::1/128']);
    expect(list.hosts).toEqual(['hooks.internal', '*.corp.example']);
    expect(parsePrivateAllowList('*').all).toBe(true);
  });

  it('refuses entries that are none of these, at configuration time', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0', 'http://x', 'a b', '300.1.1.1', '::1/129', 'exa_mple.com/8', '*.']) {
      expect(() => parsePrivateAllowList(bad), bad).toThrow(/PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE/);
    }
    expect(() => loadConfig({ PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE: '10.0.0.0/99' })).toThrow(/PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE/);
  });
});

describe('refusal', () => {
  it('allows public addresses and refuses the rest by default', () => {
    expect(refusal('8.8.8.8', 'dns.google', NO_PRIVATE)).toBeNull();
    expect(refusal('2001:4860:4860::8888', 'dns.google', NO_PRIVATE)).toBeNull();
    expect(refusal('127.0.0.1', 'localhost', NO_PRIVATE)).toBe('loopback');
    expect(refusal('169.254.169.254', 'metadata.google.internal', NO_PRIVATE)).toBe('linkLocal');
    expect(refusal('::ffff:10.0.0.1', 'x.example', NO_PRIVATE)).toBe('private');
  });

  it('allows a private address inside an allowed range, also in IPv4-mapped form, and nothing else', () => {
    const allow = parsePrivateAllowList('10.20.0.0/16,127.0.0.1,fd00::/8');
    expect(refusal('10.20.3.4', 'hooks.example', allow)).toBeNull();
    expect(refusal('::ffff:10.20.3.4', 'hooks.example', allow)).toBeNull();
    expect(refusal('127.0.0.1', 'localhost', allow)).toBeNull();
    expect(refusal('fd00::5', 'hooks.example', allow)).toBeNull();
    expect(refusal('10.21.0.1', 'hooks.example', allow)).toBe('private');
    expect(refusal('127.0.0.2', 'localhost', allow)).toBe('loopback');
    expect(refusal('::1', 'localhost', allow)).toBe('loopback');
    expect(refusal('169.254.169.254', 'hooks.example', allow)).toBe('linkLocal');
    expect(refusal('fe80::1', 'hooks.example', allow)).toBe('linkLocal');
  });

  it('allows any address of an allowed host name, and subdomains for *.name', () => {
    const allow = parsePrivateAllowList('hooks.internal,*.corp.example');
    expect(refusal('10.0.0.1', 'hooks.internal', allow)).toBeNull();
    expect(refusal('10.0.0.1', 'HOOKS.internal.', allow)).toBeNull();
    expect(refusal('10.0.0.1', 'crm.corp.example', allow)).toBeNull();
    expect(refusal('10.0.0.1', 'a.b.corp.example', allow)).toBeNull();
    expect(refusal('10.0.0.1', 'corp.example', allow)).toBe('private');
    expect(refusal('10.0.0.1', 'evilcorp.example', allow)).toBe('private');
    expect(refusal('10.0.0.1', 'hooks.internal.evil.example', allow)).toBe('private');
    expect(refusal('10.0.0.1', 'other.internal', allow)).toBe('private');
  });

  it('allows everything with *', () => {
    const allow = parsePrivateAllowList('*');
    for (const ip of ['127.0.0.1', '169.254.169.254', '::1', '::ffff:10.0.0.1']) expect(refusal(ip, 'x', allow)).toBeNull();
  });
});

describe('guardedLookup', () => {
  const resolve = (host: string, allow = NO_PRIVATE, all = false) =>
    new Promise<{ err: Error | null; address: unknown }>((done) => guardedLookup(`http://${host}/`, allow)(host, { all }, (err, address) => done({ err, address })));
  const localhost = () => new Promise<string[]>((done, fail) => dnsLookup('localhost', { all: true }, (err, a) => (err ? fail(err) : done(a.map((x) => x.address)))));

  it('refuses a host name that resolves to a loopback address', async () => {
    const { err } = await resolve('localhost');
    expect(err).toBeInstanceOf(RefusedDestinationError);
    expect(err?.message).toMatch(/localhost\/ resolves to .* \(loopback\)/);
  });

  it('passes the checked addresses on when the host is allowed, in the form the caller asked for', async () => {
    const expected = await localhost();
    const allow = parsePrivateAllowList('localhost');
    const all = await resolve('localhost', allow, true);
    expect(all.err).toBeNull();
    expect((all.address as { address: string }[]).map((a) => a.address)).toEqual(expected);
    const one = await resolve('localhost', allow, false);
    expect(one).toEqual({ err: null, address: expected[0] });
  });

  it('refuses when any one address is not allowed (a host must resolve only to allowed addresses)', async () => {
    const addresses = await localhost();
    const { err } = await resolve('localhost', parsePrivateAllowList(addresses[0] as string), true);
    if (addresses.length > 1) expect(err).toBeInstanceOf(RefusedDestinationError);
    else expect(err).toBeNull();
  });

  it('passes DNS errors on as they are (retryable)', async () => {
    const { err } = await resolve('no-such-host.invalid');
    expect(err).not.toBeInstanceOf(RefusedDestinationError);
    expect((err as NodeJS.ErrnoException | null)?.code).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});

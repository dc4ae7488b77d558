import { describe, expect, it } from 'vitest';
import { createAddressPolicy, parseCidrs } from './address-policy';

describe('address policy without allowed ranges', () => {
  const policy = createAddressPolicy();

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['fd00::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'Teredo'],
    ['2001:db8::1', 'reserved'],
    ['::7f00:1', 'not global unicast'],
    ['100::1', 'discard'],
    ['localhost', 'not an IP address'],
    ['2130706433', 'not an IP address'],
    ['0x7f000001', 'not an IP address'],
    ['', 'not an IP address'],
  ])('refuses %s (%s)', (address, why) => {
    expect(policy.refusal(address)).toContain(why);
  });

  it.each([
    ['93.184.216.34'],
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['2606:4700:4700::1111'],
    ['::ffff:8.8.8.8'],
  ])('allows the public address %s', (address) => {
    expect(policy.refusal(address)).toBeNull();
  });
});

describe('address policy with allowed ranges', () => {
  it.each([
    [['127.0.0.1/32'], '127.0.0.1', true],
    [['127.0.0.1/32'], '::ffff:127.0.0.1', true],
    [['127.0.0.1/32'], '127.0.0.2', false],
    [['127.0.0.1/32'], '::1', false],
    [['127.0.0.1/32'], '10.0.0.1', false],
    [['127.0.0.1'], '127.0.0.1', true],
    [['127.0.0.1'], '127.0.0.2', false],
    [['10.0.0.0/8'], '10.255.0.1', true],
    [['10.0.0.0/8'], '127.0.0.1', false],
    [['10.0.0.0/8'], '169.254.169.254', false],
    [['10.0.0.0/8', ' ::1/128 '], '::1', true],
    [['fd00::/8'], 'fd12::1', true],
    [['fd00::/8'], 'fe80::1', false],
    [[], '93.184.216.34', true],
  ])('%j: %s allowed = %s', (cidrs, address, allowed) => {
    expect(createAddressPolicy(cidrs).refusal(address) === null).toBe(allowed);
  });

  it.each([['10.0.0.0/33'], ['not-a-cidr'], ['10.0.0/8'], ['']])('rejects the range %j', (cidr) => {
    expect(() => parseCidrs([cidr])).toThrow(TypeError);
  });
});

describe('names that can never be public', () => {
  it.each([
    ['localhost', 'loopback'],
    ['a.b.localhost', 'loopback'],
    ['redis', 'single-label'],
    ['metadata.google.internal', 'private-use'],
    ['printer.local', 'multicast-DNS'],
    ['broker.multivac.svc.cluster.local', 'cluster'],
    ['nas.home.arpa', 'home-network'],
    ['localhost.localdomain', 'local-domain'],
  ])('%s is refused (%s) while no private range is allowed', (name, why) => {
    expect(createAddressPolicy().nameRefusal(name)).toContain(why);
  });

  it.each([['example.org'], ['localhost.example'], ['internal.example.org'], ['xn--bcher-kva.de']])(
    '%s may be public',
    (name) => {
      expect(createAddressPolicy().nameRefusal(name)).toBeNull();
    },
  );

  it('any allowed range leaves names to the address check (they may resolve into it)', () => {
    expect(createAddressPolicy(['10.0.0.0/8']).nameRefusal('wiki.internal')).toBeNull();
    expect(createAddressPolicy(['127.0.0.1/32']).nameRefusal('localhost')).toBeNull();
  });
});

/**
 * IP addresses from the C-faithful layer: `struct ipaddr` as a 32-byte
 * Uint8Array, ipaddr_local/ipaddr_remote/ipaddr_remotes, ipaddr_str,
 * ipaddr_setport and ipaddr_equal, their errno as in C, and the TypeError
 * for what C could not be given.
 */
import { text } from './helpers';
import { dill, loadInstance, local } from './instance';

loadInstance();

describe('C-faithful: IP addresses', () => {
  test('ipaddr() is a zeroed struct ipaddr; the constants are the header\'s', () => {
    const a = dill.ipaddr();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.byteLength).toBe(32);
    expect(dill.IPADDR_SIZE).toBe(32);
    expect([...a].every((x) => x === 0)).toBe(true);
    expect(dill.ipaddr()).not.toBe(a);
    expect([dill.IPADDR_IPV4, dill.IPADDR_IPV6, dill.IPADDR_PREF_IPV4, dill.IPADDR_PREF_IPV6, dill.IPADDR_MAXSTRLEN])
      .toEqual([1, 2, 3, 4, 46]);
    // A zeroed address is no address: EINVAL.
    expect(dill.ipaddr_family(a)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.ipaddr_port(a)).toBe(-1);
    expect(dill.ipaddr_len(a)).toBe(-1);
  });

  test('ipaddr_local of IPv4 and IPv6 literals: family, len, port, str, sockaddr', () => {
    const a = local('127.0.0.1', 5555);
    expect(dill.ipaddr_family(a)).toBe(dill.AF_INET);
    expect(dill.ipaddr_len(a)).toBe(16);
    expect(dill.ipaddr_port(a)).toBe(5555);
    expect(dill.ipaddr_str(a, new Uint8Array(dill.IPADDR_MAXSTRLEN))).toBe('127.0.0.1');
    const sa = dill.ipaddr_sockaddr(a)!;
    expect(sa).toBeInstanceOf(Uint8Array);
    expect(sa.byteLength).toBe(16);
    // struct sockaddr_in: family (host order), port (network order), address.
    expect(sa[0] | (sa[1] << 8)).toBe(dill.AF_INET);
    expect((sa[2] << 8) | sa[3]).toBe(5555);
    expect([...sa.subarray(4, 8)]).toEqual([127, 0, 0, 1]);
    // A copy: changing it changes nothing in the address.
    sa[4] = 10;
    expect(dill.ipaddr_str(a, new Uint8Array(64))).toBe('127.0.0.1');

    const b = local('::1', 443, dill.IPADDR_IPV6);
    expect(dill.ipaddr_family(b)).toBe(dill.AF_INET6);
    expect(dill.ipaddr_len(b)).toBe(28);
    expect(dill.ipaddr_port(b)).toBe(443);
    expect(dill.ipaddr_str(b, new Uint8Array(46))).toBe('::1');
    const sb = dill.ipaddr_sockaddr(b)!;
    expect(sb.byteLength).toBe(28);
    expect(sb[0] | (sb[1] << 8)).toBe(dill.AF_INET6);
    expect(sb[23]).toBe(1);   // last byte of sin6_addr (offset 8 + 15)

    // PREF_IPV4 (and 0, the default) still take an IPv6 literal.
    expect(dill.ipaddr_family(local('::1', 1))).toBe(dill.AF_INET6);
    expect(dill.ipaddr_family(local('::1', 1, dill.IPADDR_PREF_IPV4))).toBe(dill.AF_INET6);
  });

  test('ipaddr_local(NULL): any address of the first family; errors', () => {
    expect(dill.ipaddr_str(local(null, 80), new Uint8Array(46))).toBe('0.0.0.0');
    expect(dill.ipaddr_str(local(null, 80, dill.IPADDR_IPV6), new Uint8Array(46))).toBe('::');
    expect(dill.ipaddr_str(local(null, 80, dill.IPADDR_PREF_IPV6), new Uint8Array(46))).toBe('::');
    const a = dill.ipaddr();
    // An IPv6 literal with IPADDR_IPV4: not an address of that family, nor an interface.
    expect(dill.ipaddr_local(a, '::1', 80, dill.IPADDR_IPV4)).toBe(-1);
    expect(dill.errno).toBe(dill.ENODEV);
    expect(dill.ipaddr_local(a, 'no-such-interface0', 80, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ENODEV);
    expect(dill.ipaddr_local(a, '127.0.0.1', 65536, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.ipaddr_local(a, '127.0.0.1', -1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.ipaddr_local(a, '127.0.0.1', 80, 9)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.ipaddr_local(null, '127.0.0.1', 80, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    // A failed call leaves the caller's address alone.
    expect([...a].every((x) => x === 0)).toBe(true);
  });

  test('ipaddr_local of an interface name: the loopback interface', () => {
    const a = dill.ipaddr();
    expect(dill.ipaddr_local(a, 'lo', 7, dill.IPADDR_IPV4)).toBe(0);
    expect(dill.ipaddr_str(a, new Uint8Array(46))).toBe('127.0.0.1');
    expect(dill.ipaddr_port(a)).toBe(7);
  });

  test('ipaddr_str: returns the string and fills ipstr as C does; NULL -> null/EINVAL', () => {
    const a = local('10.1.2.3', 1);
    const buf = new Uint8Array(50).fill(0xff);
    expect(dill.ipaddr_str(a, buf)).toBe('10.1.2.3');
    expect(text(buf.subarray(0, 8))).toBe('10.1.2.3');
    expect(buf[8]).toBe(0);          // NUL-terminated
    expect(buf[49]).toBe(0xff);      // nothing past IPADDR_MAXSTRLEN
    expect(dill.ipaddr_str(a, null)).toBeNull();
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.ipaddr_str(dill.ipaddr(), new Uint8Array(46))).toBeNull();
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.ipaddr_str(null, new Uint8Array(46))).toBeNull();
    expect(dill.ipaddr_sockaddr(null)).toBeNull();
    // Long IPv6 texts fit in IPADDR_MAXSTRLEN.
    const v6 = local('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 1);
    expect(dill.ipaddr_str(v6, new Uint8Array(46))).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(dill.ipaddr_str(local('::ffff:255.255.255.255', 1), new Uint8Array(46))).toBe('::ffff:255.255.255.255');
  });

  test('ipaddr_setport writes the address in place; ipaddr_equal with and without the port', () => {
    const a = local('127.0.0.1', 1000);
    const b = local('127.0.0.1', 2000);
    expect(dill.ipaddr_equal(a, b, 0)).toBe(0);
    expect(dill.ipaddr_equal(a, b, 1)).toBe(1);
    expect(dill.ipaddr_setport(b, 1000)).toBeUndefined();
    expect(dill.ipaddr_port(b)).toBe(1000);
    expect(dill.ipaddr_equal(a, b, 0)).toBe(1);
    expect(dill.ipaddr_equal(a, local('127.0.0.2', 1000), 1)).toBe(0);
    expect(dill.ipaddr_equal(a, local('::1', 1000), 1)).toBe(0);
    expect(dill.ipaddr_equal(a, dill.ipaddr(), 1)).toBe(0);
  });

  test('ipaddr_remote: literals, names from /etc/hosts, IPv6, the deadline', async () => {
    const a = dill.ipaddr();
    expect(await dill.ipaddr_remote(a, '192.0.2.7', 99, 0, -1)).toBe(0);
    expect(dill.ipaddr_str(a, new Uint8Array(46))).toBe('192.0.2.7');
    expect(dill.ipaddr_port(a)).toBe(99);
    expect(await dill.ipaddr_remote(a, 'localhost', 80, dill.IPADDR_IPV4, dill.now() + 5000)).toBe(0);
    expect(dill.ipaddr_str(a, new Uint8Array(46))).toBe('127.0.0.1');
    expect(dill.ipaddr_port(a)).toBe(80);
    expect(await dill.ipaddr_remote(a, '::1', 81, dill.IPADDR_IPV6, -1)).toBe(0);
    expect(dill.ipaddr_family(a)).toBe(dill.AF_INET6);
    // A port out of range, a NULL address: EINVAL.
    expect(await dill.ipaddr_remote(a, 'localhost', 70000, 0, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.ipaddr_remote(null, 'localhost', 1, 0, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    // A name needs the resolver: with a deadline already past, ETIMEDOUT.
    expect(await dill.ipaddr_remote(a, 'localhost', 80, dill.IPADDR_IPV4, dill.now() - 1)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
  });

  test('ipaddr_remotes fills an array of IpAddr, up to naddrs', async () => {
    const addrs = [dill.ipaddr(), dill.ipaddr(), dill.ipaddr()];
    const n = await dill.ipaddr_remotes(addrs, 3, 'localhost', 8080, dill.IPADDR_PREF_IPV4, dill.now() + 5000);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(3);
    expect(dill.ipaddr_str(addrs[0], new Uint8Array(46))).toBe('127.0.0.1');
    for (let i = 0; i < n; i++) expect(dill.ipaddr_port(addrs[i])).toBe(8080);
    for (let i = n; i < 3; i++) expect([...addrs[i]].every((x) => x === 0)).toBe(true);
    // Only naddrs of them are written (the rest of the array is left alone).
    const two = [dill.ipaddr(), dill.ipaddr()];
    expect(await dill.ipaddr_remotes(two, 1, '127.0.0.9', 1, 0, -1)).toBe(1);
    expect(dill.ipaddr_str(two[0], new Uint8Array(46))).toBe('127.0.0.9');
    expect([...two[1]].every((x) => x === 0)).toBe(true);
    // Room for none: EINVAL, as upstream has it.
    expect(await dill.ipaddr_remotes(two, 0, 'localhost', 1, 0, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.ipaddr_remotes(null, 1, 'localhost', 1, 0, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.ipaddr_remotes(two, -1, 'localhost', 1, 0, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
  });

  test('bad arguments: TypeError before C sees them, and the library still works', async () => {
    for (const bad of [new Uint8Array(16), new Uint8Array(33), new Uint8Array(0), Buffer.alloc(31), 'x', 7, {}, [0]]) {
      expect(() => dill.ipaddr_local(bad as any, '127.0.0.1', 1, 0)).toThrow(TypeError);
      expect(() => dill.ipaddr_port(bad as any)).toThrow(TypeError);
      expect(() => dill.udp_send(0, bad as any, null, 0)).toThrow(TypeError);
      expect(() => dill.tcp_connect(bad as any, -1)).toThrow(TypeError);
      expect(() => dill.tcp_listen(bad as any, 1)).toThrow(TypeError);
    }
    // naddrs larger than the array: never written past it.
    expect(() => dill.ipaddr_remotes([dill.ipaddr()], 2, 'localhost', 1, 0, -1)).toThrow(TypeError);
    expect(() => dill.ipaddr_remotes([dill.ipaddr(), new Uint8Array(8)], 2, 'localhost', 1, 0, -1)).toThrow(TypeError);
    expect(() => dill.ipaddr_remotes(dill.ipaddr() as any, 1, 'localhost', 1, 0, -1)).toThrow(TypeError);
    // ipstr without room for IPADDR_MAXSTRLEN bytes.
    expect(() => dill.ipaddr_str(local('::1', 1), new Uint8Array(45))).toThrow(TypeError);
    expect(() => dill.ipaddr_str(local('::1', 1), 'buf' as any)).toThrow(TypeError);
    // A subarray of exactly 32 bytes is an IpAddr; the bytes around it stay.
    const big = new Uint8Array(40).fill(0xee);
    expect(dill.ipaddr_local(big.subarray(4, 36), '127.0.0.1', 9, 0)).toBe(0);
    expect(big[3]).toBe(0xee);
    expect(big[36]).toBe(0xee);
    expect(dill.ipaddr_port(big.subarray(4, 36))).toBe(9);
    // Wrong storage kind for a _mem function.
    const ipcMem = dill.storage('ipc_storage');
    expect(() => dill.tcp_connect_mem(local('127.0.0.1', 1), ipcMem as any, -1)).toThrow(TypeError);
    ipcMem.free();
    expect(dill.ipaddr_port(local('127.0.0.1', 4242))).toBe(4242);
  });
});

/**
 * IP addresses, TCP, UDP, msend/mrecv and happy eyeballs from TypeScript:
 * the C-faithful layer (`await load()`) and the idiomatic one (Dill,
 * IpAddress, TcpListener, TcpSocket, UdpSocket), on loopback only
 * (127.0.0.1 and ::1, ephemeral ports), including Node's own `net` and
 * `dgram` as peers in the same process.
 *
 * It loads the built package (dist/, made by `make build`).
 */
import * as net from 'net';
import * as dgram from 'dgram';
import { load, Dill, DillError, ByteStream, IpcSocket, IpAddress, TcpListener, TcpSocket, UdpSocket } from '../dist/index';
import type { CApi, IpAddr } from '../dist/index';
import { tcpPair as tcpPairOf } from './helpers';

let dill: CApi;
let d: Dill;

beforeAll(async () => {
  dill = await load();
  d = new Dill(dill);
});

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** Bytes 0..n-1 following a pattern (so misplaced or lost bytes show). */
function pattern(n: number, mul: number, add: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * mul + add) & 255;
  return b;
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** What `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): any {
  try { fn(); } catch (e) { return e; }
  throw new Error('did not throw');
}

/** A local address (C-faithful): checks that ipaddr_local succeeded. */
function local(name: string | null, port: number, mode = 0): IpAddr {
  const a = dill.ipaddr();
  expect(dill.ipaddr_local(a, name, port, mode)).toBe(0);
  return a;
}

/** A C-faithful TCP listener on `host`, port chosen by the system: [handle, addr with the port]. */
async function listen(host = '127.0.0.1'): Promise<[number, IpAddr]> {
  const a = local(host, 0);
  const ls = await dill.tcp_listen(a, 10);
  expect(ls).toBeGreaterThanOrEqual(0);
  expect(dill.ipaddr_port(a)).toBeGreaterThan(0);
  return [ls, a];
}

/** A connected C-faithful TCP pair over loopback: [client, server]. */
const tcpPair = (host = '127.0.0.1'): Promise<[number, number]> => tcpPairOf(dill, host);

/** A Node TCP server on loopback; resolves once listening. */
function nodeServer(onConn: (sock: net.Socket) => void, host = '127.0.0.1'): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer({ allowHalfOpen: true }, onConn);
    srv.once('error', reject);
    srv.listen(0, host, () => resolve(srv));
  });
}

/** A Node UDP socket bound on loopback. */
function nodeUdp(type: 'udp4' | 'udp6' = 'udp4'): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(type);
    s.once('error', reject);
    s.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', () => resolve(s));
  });
}

/** A port nobody listens on (a listener's, closed). */
async function closedPort(): Promise<number> {
  const [ls, a] = await listen();
  const port = dill.ipaddr_port(a);
  expect(dill.hclose(ls)).toBe(0);
  return port;
}

// ---- C-faithful: IP addresses --------------------------------------------------------

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

// ---- C-faithful: TCP ------------------------------------------------------------------

describe('C-faithful: TCP on loopback', () => {
  test('tcp_listen on port 0 writes the chosen port back; accept gives the peer address; data both ways', async () => {
    const [ls, a] = await listen();
    const port = dill.ipaddr_port(a);
    const peer = dill.ipaddr();
    const accepted = dill.tcp_accept(ls, peer, dill.now() + 2000);
    const c = await dill.tcp_connect(a, dill.now() + 2000);
    expect(c).toBeGreaterThanOrEqual(0);
    const s = await accepted;
    expect(s).toBeGreaterThanOrEqual(0);
    expect(dill.ipaddr_str(peer, new Uint8Array(46))).toBe('127.0.0.1');
    expect(dill.ipaddr_port(peer)).toBeGreaterThan(0);
    expect(dill.ipaddr_port(peer)).not.toBe(port);
    const msg = pattern(100000, 7, 3);
    const got = Buffer.alloc(msg.length);
    const [rs, rr] = await Promise.all([dill.bsend(c, msg, msg.length, -1), dill.brecv(s, got, got.length, dill.now() + 5000)]);
    expect([rs, rr]).toEqual([0, 0]);
    expect(got.equals(msg)).toBe(true);
    expect(await dill.bsend(s, Buffer.from('pong'), 4, -1)).toBe(0);
    const pong = Buffer.alloc(4);
    expect(await dill.brecv(c, pong, 4, dill.now() + 2000)).toBe(0);
    expect(pong.toString()).toBe('pong');
    for (const h of [c, s, ls]) expect(dill.hclose(h)).toBe(0);
  });

  test('IPv6 loopback (::1)', async () => {
    const [c, s] = await tcpPair('::1');
    expect(await dill.bsend(c, Buffer.from('six'), 3, -1)).toBe(0);
    const b = Buffer.alloc(3);
    expect(await dill.brecv(s, b, 3, dill.now() + 2000)).toBe(0);
    expect(b.toString()).toBe('six');
    expect(dill.hclose(c)).toBe(0);
    expect(dill.hclose(s)).toBe(0);
  });

  test('tcp_done: the peer gets every byte, then EPIPE; sending after done is EPIPE', async () => {
    const [c, s] = await tcpPair();
    const data = pattern(5000, 3, 1);
    expect(await dill.bsend(c, data, data.length, -1)).toBe(0);
    expect(await dill.tcp_done(c, -1)).toBe(0);
    expect(await dill.bsend(c, Buffer.from('x'), 1, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(await dill.tcp_done(c, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const got = Buffer.alloc(data.length);
    expect(await dill.brecv(s, got, got.length, dill.now() + 2000)).toBe(0);
    expect(got.equals(data)).toBe(true);
    expect(await dill.brecv(s, Buffer.alloc(1), 1, dill.now() + 2000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    // The other direction still works after the half-close.
    expect(await dill.bsend(s, Buffer.from('back'), 4, -1)).toBe(0);
    const back = Buffer.alloc(4);
    expect(await dill.brecv(c, back, 4, dill.now() + 2000)).toBe(0);
    expect(back.toString()).toBe('back');
    expect(dill.hclose(c)).toBe(0);
    expect(dill.hclose(s)).toBe(0);
  });

  test('tcp_close handshake: both sides close in order; without the peer closing, ETIMEDOUT', async () => {
    const [c, s] = await tcpPair();
    const sc = dill.tcp_close(s, dill.now() + 3000);
    expect(await dill.tcp_close(c, dill.now() + 3000)).toBe(0);
    expect(await sc).toBe(0);
    // The handles are gone.
    expect(dill.hclose(c)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);

    const [c2, s2] = await tcpPair();
    const t0 = dill.now();
    expect(await dill.tcp_close(c2, dill.now() + 100)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(dill.now() - t0).toBeGreaterThanOrEqual(90);
    // The peer sees the half-close, then the end.
    expect(await dill.brecv(s2, Buffer.alloc(1), 1, dill.now() + 2000)).toBe(-1);
    expect([dill.EPIPE, dill.ECONNRESET]).toContain(dill.errno);
    expect(dill.hclose(s2)).toBe(0);
  });

  test('ECONNREFUSED, EADDRINUSE, ETIMEDOUT', async () => {
    const port = await closedPort();
    expect(await dill.tcp_connect(local('127.0.0.1', port), dill.now() + 2000)).toBe(-1);
    expect(dill.errno).toBe(dill.ECONNREFUSED);

    const [ls, a] = await listen();
    const again = local('127.0.0.1', dill.ipaddr_port(a));
    expect(await dill.tcp_listen(again, 10)).toBe(-1);
    expect(dill.errno).toBe(dill.EADDRINUSE);
    // The failed listen left the caller's address alone.
    expect(dill.ipaddr_port(again)).toBe(dill.ipaddr_port(a));

    const t0 = dill.now();
    expect(await dill.tcp_accept(ls, null, dill.now() + 60)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(dill.now() - t0).toBeGreaterThanOrEqual(50);
    expect(await dill.tcp_accept(ls, null, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(dill.hclose(ls)).toBe(0);

    const [c, s] = await tcpPair();
    expect(await dill.brecv(s, Buffer.alloc(1), 1, dill.now() + 50)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(dill.hclose(c)).toBe(0);
    expect(dill.hclose(s)).toBe(0);

    // Functions given the wrong kind of handle.
    expect(await dill.tcp_accept(c, null, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    const ipc = [0, 0];
    expect(dill.ipc_pair(ipc)).toBe(0);
    const [ipc0, ipc1] = ipc;
    expect(await dill.tcp_done(ipc0, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(dill.hclose(ipc0)).toBe(0);
    expect(dill.hclose(ipc1)).toBe(0);
  });

  test('ECANCELED: hclose of the go() handle cancels a pending tcp_accept and brecv', async () => {
    const [ls, la] = await listen();
    const [c, s] = await tcpPair();
    const out = deferred<number[]>();
    const h = dill.go(async () => {
      const [ra, rb] = await Promise.all([dill.tcp_accept(ls, null, -1), dill.brecv(s, Buffer.alloc(1), 1, -1)]);
      const e1 = dill.errno;
      const later = await dill.tcp_connect(local('127.0.0.1', 1), -1);
      out.resolve([ra, rb, e1, later, dill.errno]);
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(dill.hclose(h)).toBe(0);
    const E = dill.ECANCELED;
    expect(await out.promise).toEqual([-1, -1, E, -1, E]);
    // The listener and the socket are still usable.
    const acc = dill.tcp_accept(ls, null, dill.now() + 2000);
    const c2 = await dill.tcp_connect(la, dill.now() + 2000);
    expect(c2).toBeGreaterThanOrEqual(0);
    const s2 = await acc;
    expect(s2).toBeGreaterThanOrEqual(0);
    expect(await dill.bsend(s, Buffer.from('k'), 1, -1)).toBe(0);
    const k = Buffer.alloc(1);
    expect(await dill.brecv(c, k, 1, dill.now() + 2000)).toBe(0);
    expect(k.toString()).toBe('k');
    for (const x of [c, s, c2, s2, ls]) expect(dill.hclose(x)).toBe(0);
  });

  test('_mem variants with dill.storage()', async () => {
    const lmem = dill.storage('tcp_listener_storage');
    const cmem = dill.storage('tcp_storage');
    const smem = dill.storage('tcp_storage');
    const a = local('127.0.0.1', 0);
    const ls = await dill.tcp_listen_mem(a, 5, lmem);
    expect(ls).toBeGreaterThanOrEqual(0);
    const acc = dill.tcp_accept_mem(ls, null, smem, dill.now() + 2000);
    const c = await dill.tcp_connect_mem(a, cmem, dill.now() + 2000);
    const s = await acc;
    expect(c).toBeGreaterThanOrEqual(0);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(await dill.bsend(c, Buffer.from('mem'), 3, -1)).toBe(0);
    const b = Buffer.alloc(3);
    expect(await dill.brecv(s, b, 3, dill.now() + 2000)).toBe(0);
    expect(b.toString()).toBe('mem');
    for (const h of [c, s, ls]) expect(dill.hclose(h)).toBe(0);
    for (const m of [lmem, cmem, smem]) m.free();
  });

  test('with Node\'s net as the server: data both ways, half-close both ways', async () => {
    const serverGot: Buffer[] = [];
    const ended = deferred<string>();
    const srv = await nodeServer((sock) => {
      sock.on('data', (b) => serverGot.push(b));
      sock.on('end', () => {
        ended.resolve(Buffer.concat(serverGot).toString());
        sock.end('bye from node');
      });
    });
    const port = (srv.address() as net.AddressInfo).port;
    const c = await dill.tcp_connect(local('127.0.0.1', port), dill.now() + 2000);
    expect(c).toBeGreaterThanOrEqual(0);
    expect(await dill.bsend(c, Buffer.from('hello node'), 10, -1)).toBe(0);
    expect(await dill.tcp_done(c, -1)).toBe(0);
    // Node sees every byte, then the end.
    expect(await ended.promise).toBe('hello node');
    const reply = Buffer.alloc(13);
    expect(await dill.brecv(c, reply, 13, dill.now() + 2000)).toBe(0);
    expect(reply.toString()).toBe('bye from node');
    expect(await dill.brecv(c, Buffer.alloc(1), 1, dill.now() + 2000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(dill.hclose(c)).toBe(0);
    await new Promise((r) => srv.close(r));
  });

  test('with Node\'s net as the client: tcp_accept, echo, tcp_close handshake', async () => {
    const [ls, a] = await listen();
    const echo = dill.go(async () => {
      const s = await dill.tcp_accept(ls, null, dill.now() + 5000);
      if (s < 0) return;
      const b = Buffer.alloc(1);
      while (await dill.brecv(s, b, 1, dill.now() + 5000) === 0) await dill.bsend(s, b, 1, -1);
      await dill.tcp_close(s, dill.now() + 2000);
    });
    const sock = net.connect(dill.ipaddr_port(a), '127.0.0.1');
    const chunks: Buffer[] = [];
    const closed = deferred<void>();
    sock.on('data', (b) => chunks.push(b));
    sock.on('end', () => closed.resolve());
    sock.on('error', () => closed.resolve());
    sock.write('abcdef');
    sock.end();
    await closed.promise;
    expect(Buffer.concat(chunks).toString()).toBe('abcdef');
    expect(await dill.bundle_wait(echo, dill.now() + 3000)).toBe(0);
    expect(dill.hclose(echo)).toBe(0);
    expect(dill.hclose(ls)).toBe(0);
  });

  test('happyeyeballs_connect to a listener on 127.0.0.1, by literal and by name; refused', async () => {
    const [ls, a] = await listen();
    const port = dill.ipaddr_port(a);
    for (const name of ['127.0.0.1', 'localhost']) {
      const acc = dill.tcp_accept(ls, null, dill.now() + 5000);
      const c = await dill.happyeyeballs_connect(name, port, dill.now() + 5000);
      expect(c).toBeGreaterThanOrEqual(0);
      const s = await acc;
      expect(s).toBeGreaterThanOrEqual(0);
      expect(await dill.bsend(c, Buffer.from('he'), 2, -1)).toBe(0);
      const b = Buffer.alloc(2);
      expect(await dill.brecv(s, b, 2, dill.now() + 2000)).toBe(0);
      expect(b.toString()).toBe('he');
      expect(dill.hclose(c)).toBe(0);
      expect(dill.hclose(s)).toBe(0);
    }
    expect(dill.hclose(ls)).toBe(0);
    expect(await dill.happyeyeballs_connect('127.0.0.1', port, dill.now() + 2000)).toBe(-1);
    expect(dill.errno).toBe(dill.ECONNREFUSED);
    expect(await dill.happyeyeballs_connect(null, port, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
  });
});

// ---- C-faithful: UDP and message sockets -------------------------------------------------

describe('C-faithful: UDP on loopback', () => {
  /** A UDP socket bound to host, port 0: [handle, its address with the port]. */
  async function udp(host = '127.0.0.1', remote: IpAddr | null = null): Promise<[number, IpAddr]> {
    const a = local(host, 0);
    const s = await dill.udp_open(a, remote);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(dill.ipaddr_port(a)).toBeGreaterThan(0);
    return [s, a];
  }

  test('udp_send (synchronous) and udp_recv: message boundaries, sender address', async () => {
    const [s1, a1] = await udp();
    const [s2, a2] = await udp();
    expect(dill.udp_send(s1, a2, Buffer.from('one'), 3)).toBe(0);
    expect(dill.udp_send(s1, a2, Buffer.from('second'), 6)).toBe(0);
    expect(dill.udp_send(s1, a2, Buffer.alloc(0), 0)).toBe(0);
    const from = dill.ipaddr();
    const buf = Buffer.alloc(100, 0xaa);
    expect(await dill.udp_recv(s2, from, buf, 100, dill.now() + 2000)).toBe(3);
    expect(buf.subarray(0, 3).toString()).toBe('one');
    expect(buf[3]).toBe(0xaa);     // only the bytes received are written
    expect(dill.ipaddr_equal(from, a1, 0)).toBe(1);
    expect(await dill.udp_recv(s2, null, buf, 100, dill.now() + 2000)).toBe(6);
    expect(buf.subarray(0, 6).toString()).toBe('second');
    expect(await dill.udp_recv(s2, null, buf, 100, dill.now() + 2000)).toBe(0);
    expect(await dill.udp_recv(s2, null, buf, 100, dill.now() + 50)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(dill.hclose(s1)).toBe(0);
    expect(dill.hclose(s2)).toBe(0);
  });

  test('EMSGSIZE: a datagram longer than the buffer is dropped; the next one arrives; too big to send', async () => {
    const [s1] = await udp();
    const [s2, a2] = await udp();
    expect(dill.udp_send(s1, a2, pattern(100, 1, 0), 100)).toBe(0);
    expect(dill.udp_send(s1, a2, Buffer.from('fits'), 4)).toBe(0);
    const small = Buffer.alloc(10, 0x55);
    expect(await dill.udp_recv(s2, null, small, 10, dill.now() + 2000)).toBe(-1);
    expect(dill.errno).toBe(dill.EMSGSIZE);
    expect(small.equals(Buffer.alloc(10, 0x55))).toBe(true);   // a failed call leaves the buffer alone
    expect(await dill.udp_recv(s2, null, small, 10, dill.now() + 2000)).toBe(4);
    expect(small.subarray(0, 4).toString()).toBe('fits');
    const huge = Buffer.alloc(70000);
    expect(dill.udp_send(s1, a2, huge, huge.length)).toBe(-1);
    expect(dill.errno).toBe(dill.EMSGSIZE);
    // udp_send with no address and no remote: EINVAL.
    expect(dill.udp_send(s1, null, Buffer.from('x'), 1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.hclose(s1)).toBe(0);
    expect(dill.hclose(s2)).toBe(0);
  });

  test('msend/mrecv on a socket with a remote address; others\' datagrams are dropped', async () => {
    const [s2, a2] = await udp();
    const [s1, a1] = await udp('127.0.0.1', a2);
    const [stranger] = await udp();
    // s2 talks back to s1 through a socket whose remote is s1.
    expect(dill.hclose(s2)).toBe(0);
    const s2b = await dill.udp_open(a2, a1);
    expect(s2b).toBeGreaterThanOrEqual(0);
    expect(dill.udp_send(stranger, a1, Buffer.from('spam'), 4)).toBe(0);
    expect(await dill.msend(s2b, Buffer.from('from s2'), 7, -1)).toBe(0);
    const b = Buffer.alloc(64);
    expect(await dill.mrecv(s1, b, 64, dill.now() + 2000)).toBe(7);
    expect(b.subarray(0, 7).toString()).toBe('from s2');
    expect(await dill.msend(s1, Buffer.from('reply'), 5, -1)).toBe(0);
    expect(await dill.mrecv(s2b, b, 64, dill.now() + 2000)).toBe(5);
    expect(b.subarray(0, 5).toString()).toBe('reply');
    // msendl/mrecvl: iolists; a receive list gets the bytes in order.
    expect(await dill.msendl(s1, [Buffer.from('ab'), Buffer.from('cde')], -1)).toBe(0);
    const h1 = Buffer.alloc(3, 0x2e), h2 = Buffer.alloc(4, 0x2e);
    expect(await dill.mrecvl(s2b, [h1, h2], dill.now() + 2000)).toBe(5);
    expect(h1.toString()).toBe('abc');
    expect(h2.toString()).toBe('de..');
    // udp_sendl/udp_recvl with a skipped part.
    expect(dill.udp_sendl(s1, a2, [Buffer.from('xyz'), Buffer.from('123')])).toBe(0);
    const tail = Buffer.alloc(3);
    expect(await dill.udp_recvl(s2b, null, [{ base: null, len: 3 }, tail], dill.now() + 2000)).toBe(6);
    expect(tail.toString()).toBe('123');
    expect(await dill.mrecv(s1, b, 64, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    // msend on a bytestream: ENOTSUP.
    const p = [0, 0];
    expect(dill.ipc_pair(p)).toBe(0);
    expect(await dill.msend(p[0], Buffer.from('x'), 1, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    for (const h of [s1, s2b, stranger, p[0], p[1]]) expect(dill.hclose(h)).toBe(0);
  });

  test('udp_open: a port in use opens again (SO_REUSEADDR, as upstream); mixed families EINVAL; _mem; IPv6', async () => {
    const [s1, a1] = await udp();
    const again = await dill.udp_open(local('127.0.0.1', dill.ipaddr_port(a1)), null);
    expect(again).toBeGreaterThanOrEqual(0);
    expect(dill.hclose(again)).toBe(0);
    expect(await dill.udp_open(local('127.0.0.1', 0), local('::1', 5))).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    const mem = dill.storage('udp_storage');
    const a6 = local('::1', 0);
    const s6 = await dill.udp_open_mem(a6, null, mem);
    expect(s6).toBeGreaterThanOrEqual(0);
    const [t6] = await udp('::1');
    expect(dill.udp_send(t6, a6, Buffer.from('v6'), 2)).toBe(0);
    const b = Buffer.alloc(8);
    const from = dill.ipaddr();
    expect(await dill.udp_recv(s6, from, b, 8, dill.now() + 2000)).toBe(2);
    expect(dill.ipaddr_family(from)).toBe(dill.AF_INET6);
    expect(b.subarray(0, 2).toString()).toBe('v6');
    for (const h of [s1, s6, t6]) expect(dill.hclose(h)).toBe(0);
    mem.free();
  });

  test('ECANCELED: hclose of the go() handle cancels a pending udp_recv', async () => {
    const [s] = await udp();
    const out = deferred<number[]>();
    const h = dill.go(async () => {
      const r = await dill.udp_recv(s, null, Buffer.alloc(8), 8, -1);
      out.resolve([r, dill.errno]);
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(dill.hclose(h)).toBe(0);
    expect(await out.promise).toEqual([-1, dill.ECANCELED]);
    expect(dill.hclose(s)).toBe(0);
  });

  test('with Node\'s dgram as the peer: both directions, boundaries and sender', async () => {
    const peer = await nodeUdp();
    const peerPort = peer.address().port;
    const got: [string, number][] = [];
    const two = deferred<void>();
    peer.on('message', (m, rinfo) => { got.push([m.toString(), rinfo.port]); if (got.length === 2) two.resolve(); });
    const [s, a] = await udp();
    const to = local('127.0.0.1', peerPort);
    expect(dill.udp_send(s, to, Buffer.from('to node 1'), 9)).toBe(0);
    expect(dill.udp_send(s, to, Buffer.from('2'), 1)).toBe(0);
    await two.promise;
    expect(got).toEqual([['to node 1', dill.ipaddr_port(a)], ['2', dill.ipaddr_port(a)]]);
    peer.send(Buffer.from('from node, long'), dill.ipaddr_port(a), '127.0.0.1');
    peer.send(Buffer.from('short'), dill.ipaddr_port(a), '127.0.0.1');
    const from = dill.ipaddr();
    const b = Buffer.alloc(64);
    expect(await dill.udp_recv(s, from, b, 64, dill.now() + 2000)).toBe(15);
    expect(b.subarray(0, 15).toString()).toBe('from node, long');
    expect(dill.ipaddr_port(from)).toBe(peerPort);
    expect(await dill.udp_recv(s, from, b, 64, dill.now() + 2000)).toBe(5);
    expect(b.subarray(0, 5).toString()).toBe('short');
    expect(dill.hclose(s)).toBe(0);
    await new Promise<void>((r) => peer.close(() => r()));
  });
});

// ---- idiomatic ---------------------------------------------------------------------------

describe('idiomatic: IpAddress', () => {
  test('ipLocal: family, port, address, toString, equals, withPort, bytes', () => {
    const a = d.ipLocal('127.0.0.1', 8080);
    expect(a).toBeInstanceOf(IpAddress);
    expect([a.family, a.port, a.address, a.toString()]).toEqual([4, 8080, '127.0.0.1', '127.0.0.1:8080']);
    const b = d.ipLocal('::1', 8080, { mode: 'ipv6' });
    expect([b.family, b.address, String(b)]).toEqual([6, '::1', '[::1]:8080']);
    expect(b.sockaddr.byteLength).toBe(28);
    expect(a.sockaddr.byteLength).toBe(16);
    expect(a.equals(d.ipLocal('127.0.0.1', 8080))).toBe(true);
    expect(a.equals(b)).toBe(false);
    const c = a.withPort(9);
    expect([c.port, a.port]).toEqual([9, 8080]);      // immutable
    expect(a.equals(c)).toBe(false);
    expect(a.equals(c, { ignorePort: true })).toBe(true);
    const raw = a.bytes;
    expect(raw.byteLength).toBe(32);
    expect(dill.ipaddr_port(raw)).toBe(8080);
    raw.fill(0);                                        // a copy
    expect(a.port).toBe(8080);
    expect(d.ipAddress(c.bytes).equals(c)).toBe(true);
    expect(d.ipLocal(null, 0).address).toBe('0.0.0.0');
    expect(d.ipLocal(null, 0, { mode: 'prefer-ipv6' }).address).toBe('::');
  });

  test('errors: DillError from C, TypeError/RangeError for what C could not be given', () => {
    expect(() => d.ipLocal('nope0', 1)).toThrow(DillError);
    try { d.ipLocal('nope0', 1); } catch (e) {
      expect((e as DillError).code).toBe('ENODEV');
      expect((e as DillError).syscall).toBe('ipaddr_local');
    }
    try { d.ipLocal('127.0.0.1', 70000); throw new Error('no'); } catch (e) { expect((e as DillError).code).toBe('EINVAL'); }
    try { d.ipAddress(new Uint8Array(32)); throw new Error('no'); } catch (e) { expect((e as DillError).code).toBe('EINVAL'); }
    expect(() => d.ipAddress(new Uint8Array(31))).toThrow(TypeError);
    expect(() => d.ipLocal('127.0.0.1', 1, { mode: 'ipv5' as any })).toThrow(TypeError);
    expect(() => d.ipLocal('127.0.0.1', 1).withPort(65536)).toThrow(RangeError);
  });

  test('ipRemote/ipRemotes: names and literals, deadlines and signals', async () => {
    const a = await d.ipRemote('localhost', 80, { mode: 'ipv4', deadline: d.now() + 5000 });
    expect(a.toString()).toBe('127.0.0.1:80');
    const all = await d.ipRemotes('localhost', 81, { max: 4 });
    expect(all.length).toBeGreaterThanOrEqual(1);
    expect(all[0].address).toBe('127.0.0.1');         // prefer-ipv4 by default
    expect(all.every((x) => x.port === 81)).toBe(true);
    expect((await d.ipRemote('::1', 1)).family).toBe(6);
    await expect(d.ipRemote('localhost', 1, { deadline: d.now() - 1 })).rejects.toMatchObject({ code: 'ETIMEDOUT', syscall: 'ipaddr_remote' });
    const ac = new AbortController();
    ac.abort();
    await expect(d.ipRemote('localhost', 1, { signal: ac.signal })).rejects.toMatchObject({ code: 'ECANCELED' });
  });
});

describe('idiomatic: TCP', () => {
  test('listener, connections iterator, echo with chunks, done -> EPIPE, await using', async () => {
    const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    expect(ls).toBeInstanceOf(TcpListener);
    expect(ls.port).toBeGreaterThan(0);
    expect(ls.address!.address).toBe('127.0.0.1');
    const server = d.go(async () => {
      const peers: string[] = [];
      for await (const s of ls) {
        peers.push(s.remote!.address);
        for await (const chunk of s) await s.send(chunk);   // echo until the client's done()
        await s.closeGracefully({ deadline: d.now() + 2000 });
        if (peers.length === 2) break;
      }
      return peers;
    });
    for (const word of ['first', 'second']) {
      await using c = await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port), { deadline: d.now() + 2000 });
      expect(c).toBeInstanceOf(TcpSocket);
      expect(c).toBeInstanceOf(ByteStream);
      expect(c.remote!.port).toBe(ls.port);
      await c.send(word);
      await c.done();
      expect(text(await c.recv(word.length, { deadline: d.now() + 2000 }))).toBe(word);
      await expect(c.recv(1, { deadline: d.now() + 2000 })).rejects.toMatchObject({ code: 'EPIPE', syscall: 'brecv' });
      await expect(c.done()).rejects.toMatchObject({ code: 'EPIPE', syscall: 'tcp_done' });
    }
    expect(await server.wait({ deadline: d.now() + 3000 })).toEqual(['127.0.0.1', '127.0.0.1']);
    ls.close();
    expect(ls.closed).toBe(true);
  });

  test('closing the listener ends its connections iterator; abort cancels an accept', async () => {
    const ls = await d.tcpListen(d.ipLocal('::1', 0, { mode: 'ipv6' }));
    expect(ls.address!.family).toBe(6);
    const ac = new AbortController();
    const p = ls.accept({ signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'tcp_accept' });
    const it = (async () => { const got: TcpSocket[] = []; for await (const s of ls) got.push(s); return got.length; })();
    await new Promise((r) => setTimeout(r, 20));
    ls.close();
    expect(await it).toBe(0);
    await expect(ls.accept()).rejects.toMatchObject({ code: 'EBADF' });
  });

  test('errors as DillError: ECONNREFUSED, EADDRINUSE, ETIMEDOUT; closeGracefully ETIMEDOUT', async () => {
    const port = await closedPort();
    await expect(d.tcpConnect(d.ipLocal('127.0.0.1', port))).rejects.toMatchObject({ code: 'ECONNREFUSED', syscall: 'tcp_connect' });
    await expect(d.happyEyeballs('127.0.0.1', port, { deadline: d.now() + 2000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    using ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    await expect(d.tcpListen(d.ipLocal('127.0.0.1', ls.port))).rejects.toMatchObject({ code: 'EADDRINUSE', syscall: 'tcp_listen' });
    await expect(ls.accept({ deadline: d.now() + 30 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    const acc = ls.accept();
    const c = await d.tcpConnect(ls.address!);
    const s = await acc;
    await expect(c.closeGracefully({ deadline: d.now() + 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT', syscall: 'tcp_close' });
    expect(c.closed).toBe(true);
    await expect(s.recv(1, { deadline: d.now() + 2000 })).rejects.toBeInstanceOf(DillError);
    s.close();
    await expect(d.tcpListen('127.0.0.1:80' as any)).rejects.toThrow(TypeError);
  });

  test('happyEyeballs by name to a listener on 127.0.0.1; talks to Node\'s net', async () => {
    const srv = await nodeServer((sock) => { sock.on('data', (b) => sock.write(Buffer.from(b.toString().toUpperCase()))); sock.on('end', () => sock.end()); });
    const port = (srv.address() as net.AddressInfo).port;
    await using c = await d.happyEyeballs('localhost', port, { deadline: d.now() + 5000 });
    expect(c).toBeInstanceOf(TcpSocket);
    await c.send('shout');
    expect(text(await c.recv(5, { deadline: d.now() + 2000 }))).toBe('SHOUT');
    await c.done();
    const rest: Uint8Array[] = [];
    for await (const chunk of c) rest.push(chunk);       // ends at Node's end()
    expect(rest).toEqual([]);
    await new Promise((r) => srv.close(r));
  });

  test('closing a coroutine cancels its TCP calls (ECANCELED)', async () => {
    using ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    const co = d.go(async () => ls.accept());
    await new Promise((r) => setTimeout(r, 20));
    co.close();
    await expect(co.result).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'tcp_accept' });
  });

  test('IpcSocket and TcpSocket share the ByteStream base', () => {
    const [a, b] = d.ipcPair();
    expect(a).toBeInstanceOf(ByteStream);
    expect(a).toBeInstanceOf(IpcSocket);
    expect(typeof a.sendfd).toBe('function');
    expect((TcpSocket.prototype as any).sendfd).toBeUndefined();
    a.close();
    b.close();
  });
});

describe('idiomatic: UDP', () => {
  test('send/recv with the sender; message boundaries; EMSGSIZE; datagrams iterator ends on close', async () => {
    using a = await d.udpOpen({ local: d.ipLocal('127.0.0.1', 0) });
    const b = await d.udpOpen({ local: d.ipLocal('127.0.0.1', 0) });
    expect(a).toBeInstanceOf(UdpSocket);
    expect(a.local!.port).toBeGreaterThan(0);
    a.send(b.local, 'hello');
    a.send(b.local, new Uint8Array([1, 2, 3]));
    a.send(b.local, pattern(50, 1, 1));
    const m1 = await b.recv({ deadline: d.now() + 2000 });
    expect(text(m1.data)).toBe('hello');
    expect(m1.from.equals(a.local!)).toBe(true);
    expect([...(await b.recv()).data]).toEqual([1, 2, 3]);
    await expect(b.recv({ size: 10, deadline: d.now() + 2000 })).rejects.toMatchObject({ code: 'EMSGSIZE', syscall: 'udp_recv' });
    await expect(b.recv({ deadline: d.now() + 30 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(thrown(() => a.send(null, 'x'))).toMatchObject({ code: 'EINVAL', syscall: 'udp_send' });
    expect(thrown(() => a.send(b.local, new Uint8Array(70000)))).toMatchObject({ code: 'EMSGSIZE' });
    const seen: string[] = [];
    const it = (async () => { for await (const { data } of b) seen.push(text(data)); })();
    a.send(b.local, 'x1');
    a.send(b.local, 'x2');
    for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    b.close();
    await it;
    expect(seen).toEqual(['x1', 'x2']);
    expect(thrown(() => b.send(a.local, 'late'))).toMatchObject({ code: 'EBADF' });
  });

  test('msend/mrecv between sockets connected to each other; Node dgram as a peer', async () => {
    const peer = await nodeUdp('udp6');
    const peerAddr = d.ipLocal('::1', peer.address().port);
    const got = deferred<[string, number]>();
    peer.on('message', (m, r) => got.resolve([m.toString(), r.port]));
    using s = await d.udpOpen({ local: d.ipLocal('::1', 0), remote: peerAddr });
    expect(s.remote!.equals(peerAddr)).toBe(true);
    await s.msend('via msend');
    expect(await got.promise).toEqual(['via msend', s.local!.port]);
    peer.send('back', s.local!.port, '::1');
    expect(text(await s.mrecv({ deadline: d.now() + 2000 }))).toBe('back');
    await new Promise<void>((r) => peer.close(() => r()));
    await expect(d.udpOpen({ local: d.ipLocal('127.0.0.1', 0), remote: peerAddr })).rejects.toMatchObject({ code: 'EINVAL', syscall: 'udp_open' });
  });
});

describe('the README example', () => {
  test('TCP echo through happy eyeballs, UDP to itself', async () => {
    const out: string[] = [];
    {
      using ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
      d.go(async () => {
        for await (const s of ls) {
          for await (const chunk of s) await s.send(chunk);
          await s.closeGracefully({ deadline: d.now() + 1000 });
        }
      });
      await using c = await d.happyEyeballs('localhost', ls.port, { deadline: d.now() + 1000 });
      await c.send('hi');
      await c.done();
      out.push(Buffer.from(await c.recv(2)).toString());

      using u = await d.udpOpen({ local: d.ipLocal('127.0.0.1', 0) });
      u.send(u.local, 'to myself');
      const { data, from } = await u.recv({ deadline: d.now() + 1000 });
      out.push(`${Buffer.from(data).toString()} ${from.toString()}`);
      expect(from.port).toBe(u.local!.port);
    }
    expect(out[0]).toBe('hi');
    expect(out[1]).toMatch(/^to myself 127\.0\.0\.1:\d+$/);
  });
});

/**
 * UDP from the C-faithful layer on loopback: udp_open/udp_send/udp_recv
 * with message boundaries and sender addresses, msend/mrecv on a socket
 * with a remote address, EMSGSIZE, cancellation, and Node's `dgram` as a
 * peer in the same process.
 */
import type { IpAddr } from '../dist/index';
import { deferred, nodeUdp, pattern } from './helpers';
import { dill, loadInstance, local } from './instance';

loadInstance();

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

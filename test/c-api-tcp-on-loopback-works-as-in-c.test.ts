/**
 * TCP from the C-faithful layer on loopback (127.0.0.1 and ::1, ports the
 * system chooses): listen/accept/connect, tcp_done and the tcp_close
 * handshake, errno as in C, cancellation, the _mem variants, Node's `net`
 * as a peer in the same process, and happyeyeballs_connect.
 */
import * as net from 'net';
import { deferred, nodeServer, pattern } from './helpers';
import { closedPort, dill, listen, loadInstance, local, tcpPair } from './instance';

loadInstance();

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

/**
 * IP addresses, TCP and UDP in the idiomatic layer: IpAddress, TcpListener
 * and TcpSocket (ByteStreams like IpcSocket), UdpSocket, happyEyeballs;
 * errors as DillErrors, deadlines and signals; Node's `net` and `dgram` as
 * peers in the same process.
 */
import * as net from 'net';
import { DillError, ByteStream, IpcSocket, IpAddress, TcpListener, TcpSocket, UdpSocket } from '../dist/index';
import { deferred, nodeServer, nodeUdp, pattern, text, thrown } from './helpers';
import { closedPort, d, dill, loadInstance } from './instance';

loadInstance();

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
    await expect(d.ipRemote('localhost', 1, { signal: ac.signal })).rejects.toBe(ac.signal.reason);
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
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
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

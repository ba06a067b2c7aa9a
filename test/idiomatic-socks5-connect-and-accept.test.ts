/**
 * SOCKS5 in the idiomatic layer, as methods of the bytestream sockets
 * (socks5Connect, socks5Accept, socks5Reply): failure replies and refused
 * credentials as typed errors, an auth function written in TypeScript, and
 * a proxy written with the layer used by the npm `socks` client.
 */
import * as net from 'net';
import { AddressInfo } from 'net';
import { SocksClient } from 'socks';
import { failure, text } from './helpers';
import { d, loadInstance } from './instance';

loadInstance();

describe('SOCKS5', () => {
  test('socks5Connect by host with credentials; socks5Accept with auth; socks5Reply; the tunnel', async () => {
    const [a, b] = d.ipcPair();
    const seen: string[] = [];
    const proxy = (async () => {
      const req = await b.socks5Accept({ auth: (u, p) => { seen.push(`${u}:${p}`); return p === 'pw'; }, deadline: d.now() + 5000 });
      expect(req).toEqual({ command: 'connect', host: 'example.test', port: 443, addr: null });
      await b.socks5Reply('success', d.ipLocal('127.0.0.1', 5555));
    })();
    await a.socks5Connect({ username: 'ann', password: 'pw', host: 'example.test', port: 443, deadline: d.now() + 5000 });
    await proxy;
    expect(seen).toEqual(['ann:pw']);
    await a.send('through');
    expect(text(await b.recv(7))).toBe('through');
    a.close();
    b.close();
  });

  test('socks5Connect by address, socks5Accept with resolve; failure replies and refused credentials as typed errors', async () => {
    const [a, b] = d.ipcPair();
    const proxy = (async () => {
      const req = await b.socks5Accept({ resolve: true });
      expect(req.command).toBe('connect');
      expect(req.addr!.toString()).toBe('[::1]:8080');
      await b.socks5Reply('host-unreachable');
    })();
    const e = await failure(a.socks5Connect({ addr: d.ipLocal('::1', 1), port: 8080 }));
    expect(e.code).toBe('EHOSTUNREACH');
    expect(e.syscall).toBe('socks5_client_connect');
    await proxy;
    a.close();
    b.close();
    const [c, f] = d.ipcPair();
    const refused = failure(f.socks5Accept({ auth: () => false }));
    expect((await failure(c.socks5Connect({ username: 'u', password: 'p', host: 'h', port: 1 }))).code).toBe('EACCES');
    expect((await refused).code).toBe('EACCES');
    c.close();
    f.close();
    // A client without credentials and a proxy wanting them: EACCES too.
    const [g, h] = d.ipcPair();
    const wants = failure(h.socks5Accept({ auth: () => true }));
    expect((await failure(g.socks5Connect({ host: 'h', port: 1 }))).code).toBe('EACCES');
    expect((await wants).code).toBe('EACCES');
    g.close();
    h.close();
  });

  test('an auth function that throws: the client is refused and socks5Accept throws it; calling the library from it is refused', async () => {
    const [a, b] = d.ipcPair();
    const boom = new Error('auth backend down');
    const p = b.socks5Accept({ auth: () => { throw boom; } });
    expect((await failure(a.socks5Connect({ username: 'u', password: 'p', host: 'h', port: 1 }))).code).toBe('EACCES');
    await expect(p).rejects.toBe(boom);
    a.close();
    b.close();
    const [c, e] = d.ipcPair();
    const q = e.socks5Accept({ auth: () => { d.now(); return true; } });
    await failure(c.socks5Connect({ username: 'u', password: 'p', host: 'h', port: 1 }));
    await expect(q).rejects.toThrow(/must not call into the library/);
    c.close();
    e.close();
    // Neither host nor addr: refused before C is called.
    const [g, h] = d.ipcPair();
    await expect(g.socks5Connect({ port: 1 } as any)).rejects.toThrow(TypeError);
    await expect(g.socks5Connect({ host: 'h', addr: d.ipLocal('127.0.0.1', 1) })).rejects.toThrow(TypeError);
    g.close();
    h.close();
  });

  test('a SOCKS5 proxy written with the idiomatic layer, used by the npm socks client to reach a Node echo server', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const echoPort = (echo.address() as AddressInfo).port;
    const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    const proxy = d.go(async () => {
      const client = await ls.accept({ deadline: d.now() + 5000 });
      const req = await client.socks5Accept({ auth: (u, p) => u === 'me' && p === 'secret', resolve: true, deadline: d.now() + 5000 });
      const upstream = await d.tcpConnect(req.addr!, { deadline: d.now() + 5000 });
      await client.socks5Reply('success', d.ipLocal('127.0.0.1', 0));
      // Relay one exchange of known length each way.
      const msg = await client.recv(12, { deadline: d.now() + 5000 });
      await upstream.send(msg);
      await client.send(await upstream.recv(12, { deadline: d.now() + 5000 }));
      upstream.close();
      await client.closeGracefully({ deadline: d.now() + 5000 }).catch(() => {});
    });
    try {
      const { socket } = await SocksClient.createConnection({
        proxy: { host: '127.0.0.1', port: ls.port, type: 5, userId: 'me', password: 'secret' },
        command: 'connect',
        destination: { host: '127.0.0.1', port: echoPort },
        timeout: 5000,
      });
      const reply = new Promise<string>((resolve) => {
        let got = '';
        socket.on('data', (b) => { got += b.toString(); if (got.length >= 12) resolve(got); });
      });
      socket.write('hello, proxy');
      expect(await reply).toBe('hello, proxy');
      socket.end();
      await proxy.wait({ deadline: d.now() + 5000 });
    } finally {
      ls.close();
      echo.close();
    }
  });
});

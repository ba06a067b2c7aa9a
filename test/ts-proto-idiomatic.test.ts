/**
 * The protocols of issue 6 in the idiomatic TypeScript layer: attaching a
 * protocol to a socket object gives a typed object for it (PrefixSocket,
 * SuffixSocket, TermSocket, HttpSocket, WebSocket), whose detach() gives
 * the socket object back; SOCKS5 as methods of the bytestream sockets.
 * Errors are DillErrors, deadlines and AbortSignals work as elsewhere.
 * Peers: our own sockets (ipcPair, TCP on 127.0.0.1), Node's http server,
 * the npm `ws` package and the npm `socks` client.
 *
 * It loads the built package (dist/, made by `make build`).
 */
import * as http from 'http';
import * as net from 'net';
import { AddressInfo } from 'net';
import { WebSocketServer, WebSocket as NodeWs } from 'ws';
import { SocksClient } from 'socks';
import {
  Dill, DillError, IpcSocket, TcpSocket, PrefixSocket, SuffixSocket, TermSocket, HttpSocket, WebSocket,
} from '../dist/index';
import { failure } from './helpers';

let d: Dill;

beforeAll(async () => {
  d = await Dill.load();
});

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');


function failureSync(fn: () => unknown): DillError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DillError);
    return e as DillError;
  }
  throw new Error('did not fail');
}

/** A connected TCP pair on 127.0.0.1: [client, server]. */
async function tcpPair(): Promise<[TcpSocket, TcpSocket]> {
  const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
  const acc = ls.accept({ deadline: d.now() + 5000 });
  const c = await d.tcpConnect(ls.address!, { deadline: d.now() + 5000 });
  const s = await acc;
  ls.close();
  return [c, s];
}

// ---- PREFIX / SUFFIX / TERM ------------------------------------------------------------------

describe('PrefixSocket', () => {
  test('attachPrefix on both ends: messages both ways, detach gives IpcSockets back at once', async () => {
    const [a, b] = d.ipcPair();
    const pa = a.attachPrefix(2);
    const pb = b.attachPrefix(2);
    expect(pa).toBeInstanceOf(PrefixSocket);
    expect([pa.hdrlen, pa.littleEndian, pa.maxMessageSize]).toEqual([2, false, 65535]);
    // The protocol owns the socket: the old object is closed.
    expect(a.closed).toBe(true);
    expect((await failure(a.send('x'))).code).toBe('EBADF');
    await pa.send('hello');
    await pa.send(Uint8Array.from([1, 2, 3]));
    expect(text(await pb.recv())).toBe('hello');
    expect([...await pb.recv()]).toEqual([1, 2, 3]);
    await pb.send('back');
    expect(text(await pa.recv({ deadline: d.now() + 1000 }))).toBe('back');
    // pa sends two more and detaches at once (nothing goes on the wire);
    // pb receives them, then detaches too.
    await pa.send('m1');
    await pa.send('m2');
    const ua = await pa.detach();
    expect(text(await pb.recv())).toBe('m1');
    expect(text(await pb.recv())).toBe('m2');
    const ub = await pb.detach();
    expect(ua).toBeInstanceOf(IpcSocket);
    expect(ub).toBeInstanceOf(IpcSocket);
    expect(pa.closed && pb.closed).toBe(true);
    await ua.send('raw');
    expect(text(await ub.recv(3))).toBe('raw');
    ua.close();
    ub.close();
  });

  test('errors: EINVAL closes the socket (as in C), EMSGSIZE, EBUSY with a chunk read pending, ETIMEDOUT, ECANCELED by signal', async () => {
    const [z, z2] = d.ipcPair();
    expect(failureSync(() => z.attachPrefix(0)).code).toBe('EINVAL');
    expect(z.closed).toBe(true);
    const [y, y2] = d.ipcPair();
    expect(failureSync(() => y.attachPrefix(9)).syscall).toBe('prefix_attach');
    expect(y.closed).toBe(true);
    z2.close();
    y2.close();
    const [a, b] = d.ipcPair();
    // A chunk iterator left a 1-byte read pending on b: attaching would lose it.
    const it = b.chunks();
    await a.send('z');
    expect(text((await it.next()).value!)).toBe('z');
    await it.return(undefined);
    expect(failureSync(() => b.attachPrefix(2)).code).toBe('EBUSY');
    expect(b.closed).toBe(false);
    b.close();
    const [c, e] = d.ipcPair();
    const pc = c.attachPrefix(1, { littleEndian: true });
    const pe = e.attachPrefix(1, { littleEndian: true });
    expect((await failure(pc.send(new Uint8Array(256)))).code).toBe('EMSGSIZE');
    await pc.send(new Uint8Array(100));
    expect((await failure(pe.recv({ size: 10 }))).code).toBe('EMSGSIZE');
    expect((await failure(pc.recv({ deadline: d.now() + 30 }))).code).toBe('ETIMEDOUT');
    // An aborted signal fails at once, without entering the library.
    expect((await failure(pc.send('x', { signal: AbortSignal.abort() }))).code).toBe('ECANCELED');
    const [f, g] = d.ipcPair();
    const pf = f.attachPrefix(2);
    const ac2 = new AbortController();
    const r = pf.recv({ signal: ac2.signal });
    setTimeout(() => ac2.abort(), 20);
    expect((await failure(r)).code).toBe('ECANCELED');
    pf.close();
    g.close();
    a.close();
    pc.close();
    pe.close();
  });

  test('over TCP: a 200 KB message with {size}; detach gives TcpSockets back with their remote address', async () => {
    const [c, s] = await tcpPair();
    const remote = c.remote!.toString();
    const pc = c.attachPrefix(4);
    const ps = s.attachPrefix(4);
    const big = Buffer.alloc(200000, 7);
    const sent = pc.send(big, { deadline: d.now() + 10000 });
    const got = await ps.recv({ size: 300000, deadline: d.now() + 10000 });
    await sent;
    expect(Buffer.compare(Buffer.from(got), big)).toBe(0);
    const [uc, us] = await Promise.all([pc.detach(), ps.detach()]);
    expect(uc).toBeInstanceOf(TcpSocket);
    expect(uc.remote!.toString()).toBe(remote);
    await Promise.all([uc.closeGracefully({ deadline: d.now() + 5000 }), us.closeGracefully({ deadline: d.now() + 5000 })]);
  });
});

describe('SuffixSocket and TermSocket', () => {
  test('attachSuffix: lines, a raw peer, detach', async () => {
    const [a, b] = d.ipcPair();
    const sa = a.attachSuffix('\n');
    expect(sa).toBeInstanceOf(SuffixSocket);
    expect(text(sa.suffix)).toBe('\n');
    await sa.send('line one');
    expect(text(await b.recv(9))).toBe('line one\n');
    await b.send('two\nthree\n');
    expect(text(await sa.recv())).toBe('two');
    expect(text(await sa.recv())).toBe('three');
    // The delimiter inside a message goes as it is (as upstream's): two lines.
    await sa.send('a\nb');
    expect(text(await b.recv(4))).toBe('a\nb\n');
    const [z, z2] = d.ipcPair();
    expect(failureSync(() => z.attachSuffix('')).code).toBe('EINVAL');
    expect(z.closed).toBe(true);
    z2.close();
    const ua = await sa.detach();
    await ua.send('x');
    expect(text(await b.recv(1))).toBe('x');
    // The peer half-closes: the message socket reports EPIPE, iteration ends.
    const sb = b.attachSuffix(';');
    await ua.send('p;q;');
    await ua.done();
    const got: string[] = [];
    for await (const m of sb) got.push(text(m));
    expect(got).toEqual(['p', 'q']);
    ua.close();
    sb.close();
  });

  test('attachTerm over PREFIX: done(), the peer\'s iteration ends, detach to PrefixSocket, then to IpcSocket', async () => {
    const [a, b] = d.ipcPair();
    const ta = a.attachPrefix(2).attachTerm('STOP');
    const tb = b.attachPrefix(2).attachTerm(Buffer.from('STOP'));
    expect(ta).toBeInstanceOf(TermSocket);
    await ta.send('one');
    await ta.done();
    expect((await failure(ta.done())).code).toBe('EPIPE');
    const got: string[] = [];
    for await (const m of tb) got.push(text(m));
    expect(got).toEqual(['one']);
    await tb.send('answer');
    expect(text(await ta.recv())).toBe('answer');
    const [pa, pb] = await Promise.all([ta.detach({ deadline: d.now() + 5000 }), tb.detach({ deadline: d.now() + 5000 })]);
    expect(pa).toBeInstanceOf(PrefixSocket);
    await pa.send('prefix again');
    expect(text(await pb.recv())).toBe('prefix again');
    const [ia, ib] = await Promise.all([pa.detach(), pb.detach()]);
    expect(ia).toBeInstanceOf(IpcSocket);
    await ib.send('!');
    expect(text(await ia.recv(1))).toBe('!');
    // TERM needs a message socket: a bytestream has no attachTerm.
    expect((ia as any).attachTerm).toBeUndefined();
    ia.close();
    ib.close();
  });
});

// ---- HTTP ---------------------------------------------------------------------------------

describe('HttpSocket', () => {
  test('client and server over ipcPair: request, fields (iteration and null at the end), status, detach to the body', async () => {
    const [a, b] = d.ipcPair();
    const c = a.attachHttp();
    const s = b.attachHttp();
    expect(c).toBeInstanceOf(HttpSocket);
    expect(a.closed).toBe(true);
    await c.sendRequest('GET', '/files/1?x=1');
    await c.sendField('Host', 'example.test');
    await c.sendField('Accept', 'text/plain');
    await c.done();
    expect(await s.recvRequest()).toEqual({ command: 'GET', resource: '/files/1?x=1' });
    const fields = [];
    for await (const f of s.fields()) fields.push(f);
    expect(fields).toEqual([{ name: 'Host', value: 'example.test' }, { name: 'Accept', value: 'text/plain' }]);
    await s.sendStatus(200, 'OK');
    await s.sendField('Content-Length', '5');
    await s.done();
    expect((await failure(s.done())).code).toBe('EPIPE');   // the blank line goes once
    // Both heads are complete on the server's side: detach returns at once.
    const body = await s.detach();
    expect(body).toBeInstanceOf(IpcSocket);
    await body.send('hello');
    expect(await c.recvStatus()).toEqual({ status: 200, reason: 'OK' });
    expect(await c.recvField()).toEqual({ name: 'Content-Length', value: '5' });
    expect(await c.recvField()).toBeNull();
    const ua = await c.detach();
    expect(text(await ua.recv(5))).toBe('hello');
    // Bad arguments are refused before anything is sent.
    const [e, f] = d.ipcPair();
    const h = e.attachHttp();
    expect((await failure(h.sendStatus(1000, 'x'))).code).toBe('EINVAL');
    expect((await failure(h.sendRequest('G ET', '/'))).code).toBe('EINVAL');
    expect((await failure(h.sendField('Bad Name', 'v'))).syscall).toBe('http_sendfield');
    for (const x of [h, f, ua, body]) x.close();
  });

  test('against Node\'s http server over TCP: GET, status, fields, the body after detach', async () => {
    const srv = http.createServer((req, res) => {
      res.setHeader('X-Seen', `${req.method} ${req.url} ${req.headers.host}`);
      res.setHeader('Content-Length', '11');
      res.setHeader('Connection', 'close');
      res.end('hello world');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    try {
      const sock = await d.tcpConnect(d.ipLocal('127.0.0.1', port), { deadline: d.now() + 5000 });
      const h = sock.attachHttp();
      await h.sendRequest('GET', '/a/b?c=d');
      await h.sendField('Host', 'dill.test');
      await h.done();
      const st = await h.recvStatus({ deadline: d.now() + 5000 });
      expect(st).toEqual({ status: 200, reason: 'OK' });
      const fields = new Map<string, string>();
      for await (const f of h.fields({ deadline: d.now() + 5000 })) fields.set(f.name.toLowerCase(), f.value);
      expect(fields.get('x-seen')).toBe('GET /a/b?c=d dill.test');
      const body = await h.detach({ deadline: d.now() + 5000 });
      expect(text(await body.recv(Number(fields.get('content-length'))))).toBe('hello world');
      body.close();
    } finally {
      srv.close();
    }
  });

  test('errors: EPROTO for a malformed line, the end (null) then ECONNRESET when the peer goes in the middle of a head, ETIMEDOUT', async () => {
    const [a, b] = d.ipcPair();
    const s = b.attachHttp();
    await a.send('BAD LINE\r\n');
    expect((await failure(s.recvRequest())).code).toBe('EPROTO');
    expect((await failure(s.recvRequest({ deadline: d.now() + 20 }))).code).toBe('ETIMEDOUT');
    s.close();
    const [c, e] = d.ipcPair();
    const h = e.attachHttp();
    await c.send('GET / HTTP/1.1\r\nHost: x\r\n');
    expect(await h.recvRequest()).toEqual({ command: 'GET', resource: '/' });
    await c.done();
    expect(await h.recvField()).toEqual({ name: 'Host', value: 'x' });
    // As upstream's: the end of the stream is EPIPE (null here), then ECONNRESET.
    expect(await h.recvField()).toBeNull();
    expect((await failure(h.recvField())).code).toBe('ECONNRESET');
    h.close();
    a.close();
    c.close();
  });
});

// ---- WebSocket -----------------------------------------------------------------------------

describe('WebSocket', () => {
  async function wsPair(): Promise<[WebSocket<IpcSocket>, WebSocket<IpcSocket>, string | null, string | null]> {
    const [a, b] = d.ipcPair();
    const srv = b.attachWsServer({ deadline: d.now() + 5000 });
    const c = await a.attachWsClient({ resource: '/chat', host: 'dill.test', deadline: d.now() + 5000 });
    const { socket, resource, host } = await srv;
    return [c, socket, resource, host];
  }

  test('attachWsClient/attachWsServer: resource and host, text and binary messages, iteration, closeGracefully gives the peer\'s status', async () => {
    const [c, s, resource, host] = await wsPair();
    expect([resource, host]).toEqual(['/chat', 'dill.test']);
    expect(c).toBeInstanceOf(WebSocket);
    await c.send('héllo');
    await c.send(Uint8Array.from([9, 8, 7]));
    const m1 = await s.recv();
    expect([text(m1.data), m1.text]).toEqual(['héllo', true]);
    const m2 = await s.recv();
    expect([[...m2.data], m2.text]).toEqual([[9, 8, 7], false]);
    expect((failureSync(() => s.status())).code).toBe('EAGAIN');
    // The server echoes until the client closes, then closes with 4001.
    const echo = (async () => {
      for await (const m of s) await s.send(m.text ? text(m.data) : m.data);
      const st = s.status();
      const mine = await s.closeGracefully({ status: 4001, reason: 'server done' });
      return [st, mine];
    })();
    await c.send('ping');
    const back = await c.recv();
    expect([text(back.data), back.text]).toEqual(['ping', true]);
    const peer = await c.closeGracefully({ status: 4000, reason: 'client done' });
    expect(peer).toEqual({ status: 4001, reason: 'server done' });
    const [st, mine] = await echo;
    expect(st).toEqual({ status: 4000, reason: 'client done' });
    // closeGracefully on the server ran after the client's close: its own peer status is the client's.
    expect(mine).toEqual({ status: 4000, reason: 'client done' });
    expect(c.closed && s.closed).toBe(true);
  });

  test('detach gives back the bytestreams after the close handshake; done() then EPIPE; EMSGSIZE; ETIMEDOUT', async () => {
    const [c, s] = await wsPair();
    await s.send(new Uint8Array(100));
    expect((await failure(c.recv({ size: 10 }))).code).toBe('EMSGSIZE');
    expect((await failure(s.recv({ deadline: d.now() + 20 }))).code).toBe('ETIMEDOUT');
    const [c2, s2] = await wsPair();
    await c2.done({ status: 1000 });
    expect((await failure(c2.done())).code).toBe('EPIPE');
    expect((await failure(s2.recv())).code).toBe('EPIPE');
    expect(s2.status()).toEqual({ status: 1000, reason: '' });
    const [u1, u2] = await Promise.all([c2.detach({ deadline: d.now() + 5000 }), s2.detach({ status: 1000, reason: 'bye', deadline: d.now() + 5000 })]);
    expect(u1).toBeInstanceOf(IpcSocket);
    await u2.send('raw');
    expect(text(await u1.recv(3))).toBe('raw');
    u1.close();
    u2.close();
    c.close();
    s.close();
  });

  test('noHttp with a handshake by hand (wsRequestKey/wsResponseKey); a refused handshake closes the socket; bad resource is EINVAL and closes it too', async () => {
    expect(d.wsResponseKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(d.wsRequestKey()).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(failureSync(() => d.wsResponseKey('nope')).code).toBe('EPROTO');
    const [a, b] = d.ipcPair();
    const [wa, { socket: wb, resource }] = await Promise.all([a.attachWsClient({ noHttp: true }), b.attachWsServer({ noHttp: true, text: true })]);
    expect(resource).toBeNull();
    expect(wb.text).toBe(true);
    await wa.send('x');
    expect((await wb.recv()).text).toBe(true);
    wa.close();
    wb.close();
    const [e0, f0] = d.ipcPair();
    expect((await failure(e0.attachWsClient({ resource: 'has space' }))).code).toBe('EINVAL');
    // As upstream, a failed attach closes the socket.
    expect(e0.closed).toBe(true);
    f0.close();
    const [e, f] = d.ipcPair();
    // A peer that is no WebSocket server: EPROTO, and the socket is closed.
    const fake = (async () => {
      let seen = '';
      for await (const chunk of f) {
        seen += text(chunk);
        if (seen.endsWith('\r\n\r\n')) break;
      }
      await f.send('HTTP/1.1 404 Not Found\r\n\r\n');
    })();
    expect((await failure(e.attachWsClient({ deadline: d.now() + 5000 }))).code).toBe('EPROTO');
    await fake;
    expect(e.closed).toBe(true);
    f.close();
  });

  test('with the npm ws package over TCP, both directions', async () => {
    // Our client -> ws server (echo, then it closes with 4002).
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const seenClose = new Promise<[number, string]>((resolve) => {
      wss.on('connection', (ws, req) => {
        expect(req.url).toBe('/echo');
        ws.on('message', (data, isBinary) => {
          if (!isBinary && data.toString() === 'bye') ws.close(4002, 'ws says bye');
          else ws.send(data, { binary: isBinary });
        });
        ws.on('close', (code, reason) => resolve([code, reason.toString()]));
      });
    });
    try {
      const port = (wss.address() as AddressInfo).port;
      const sock = await d.tcpConnect(d.ipLocal('127.0.0.1', port), { deadline: d.now() + 5000 });
      const ws = await sock.attachWsClient({ resource: '/echo', host: `127.0.0.1:${port}`, deadline: d.now() + 5000 });
      await ws.send('text ✓');
      expect(await ws.recv({ deadline: d.now() + 5000 })).toEqual({ data: new Uint8Array(Buffer.from('text ✓')), text: true });
      const big = Buffer.alloc(100000, 3);
      await ws.send(big);
      const back = await ws.recv({ size: 200000, deadline: d.now() + 5000 });
      expect(back.text).toBe(false);
      expect(Buffer.compare(Buffer.from(back.data), big)).toBe(0);
      await ws.send('bye');
      const got: unknown[] = [];
      for await (const m of ws.messages({ deadline: d.now() + 5000 })) got.push(m);
      expect(got).toEqual([]);
      expect(ws.status()).toEqual({ status: 4002, reason: 'ws says bye' });
      const tcp = await ws.detach({ status: 4002, reason: 'echoed', deadline: d.now() + 5000 });
      // ws reports its close once the TCP connection is gone.
      tcp.close();
      expect(await seenClose).toEqual([4002, 'echoed']);
    } finally {
      wss.close();
    }

    // ws client -> our server.
    const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    const server = d.go(async () => {
      const conn = await ls.accept({ deadline: d.now() + 5000 });
      const { socket, resource, host } = await conn.attachWsServer({ deadline: d.now() + 5000 });
      expect(resource).toBe('/in?q=1');
      expect(host).toBe(`127.0.0.1:${ls.port}`);
      for await (const m of socket) await socket.send(m.text ? text(m.data).toUpperCase() : m.data);
      return socket.closeGracefully({ status: 1000, deadline: d.now() + 5000 });
    });
    const client = new NodeWs(`ws://127.0.0.1:${ls.port}/in?q=1`);
    const replies: string[] = [];
    const closed = new Promise<number>((resolve) => client.on('close', (code) => resolve(code)));
    client.on('message', (data) => {
      replies.push(data.toString());
      if (replies.length === 2) client.close(1000, 'node done');
    });
    await new Promise<void>((r) => client.on('open', () => r()));
    client.send('abc');
    client.send('def');
    expect(await closed).toBe(1000);
    expect(replies).toEqual(['ABC', 'DEF']);
    expect(await server.wait({ deadline: d.now() + 5000 })).toEqual({ status: 1000, reason: 'node done' });
    ls.close();
  });
});

// ---- SOCKS5 --------------------------------------------------------------------------------

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

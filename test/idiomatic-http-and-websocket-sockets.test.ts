/**
 * HTTP and WebSocket in the idiomatic layer: HttpSocket and WebSocket
 * objects attached to socket objects, whose detach() gives the socket back.
 * Errors are DillErrors; deadlines and AbortSignals work as elsewhere.
 * Peers: our own sockets, Node's http server and the npm `ws` package.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { WebSocketServer, WebSocket as NodeWs } from 'ws';
import { IpcSocket, HttpSocket, WebSocket } from '../dist/index';
import { failure, failureSync, text } from './helpers';
import { d, loadInstance } from './instance';

loadInstance();

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

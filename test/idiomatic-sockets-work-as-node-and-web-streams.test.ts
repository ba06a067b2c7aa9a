/**
 * A ByteStream in Node's stream world and as web streams:
 * `sock.toNodeStream()` is a Duplex (stream.pipeline, zlib, an http
 * client's createConnection, an http server's connection), with its
 * backpressure reaching the peer, end() as done(), destroy() closing, and
 * failures as 'error' events carrying DillErrors; `sock.readable` and
 * `sock.writable` are web streams (pipeTo, cancel leaving the socket
 * usable, close as done(), abort closing), with backpressure both ways.
 */
import * as http from 'http';
import * as stream from 'stream';
import { pipeline } from 'stream/promises';
import * as zlib from 'zlib';
import { DillError } from '../dist/index';
import type { ByteStream } from '../dist/index';
import { failure, sleep, text } from './helpers';
import { d, loadInstance, tcpSockets } from './instance';

loadInstance();

const MiB = 1 << 20;


const KINDS = [
  ['ipcPair', async () => d.ipcPair() as [ByteStream, ByteStream]],
  ['TCP on loopback', tcpSockets],
] as const;

/**
 * Sends 64 KiB pieces on `sock` until a send fails; `sent` counts what
 * went. It lets the event loop turn after each send: a writer and a
 * reader of an ipcPair in one process, both always ready, would otherwise
 * go on in promise continuations only and starve timers (as a PassThrough
 * written and read in a loop does).
 */
function flood(sock: ByteStream) {
  const piece = new Uint8Array(65536);
  const state = { sent: 0, ended: Promise.resolve('') };
  state.ended = (async () => {
    try {
      for (;;) {
        await sock.send(piece);
        state.sent += piece.length;
        await new Promise((r) => setImmediate(r));
      }
    } catch (e) {
      return (e as DillError).code;
    }
  })();
  return state;
}

/** Waits until `cond()` or 2 s. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(10);
}

/** A 'close' of `s`, or a timeout. */
const closed = (s: stream.Duplex) => new Promise<void>((r) => (s.closed ? r() : s.once('close', () => r())));

describe.each(KINDS)('toNodeStream on %s', (_name, make) => {
  test('stream.pipeline through zlib: gzip on one side, gunzip and gzip back on an echoing peer', async () => {
    const [a, b] = await make();
    // The echo: half-closed by its client at the end of the input, so both
    // ends keep their writable side open after their readable side ends.
    const bd = b.toNodeStream({ allowHalfOpen: true });
    const echo = pipeline(bd, zlib.createGunzip(), zlib.createGzip(), bd);
    const ad = a.toNodeStream({ allowHalfOpen: true });
    const data = Buffer.alloc(3 * MiB);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 10)) & 0xff;
    const out: Buffer[] = [];
    await Promise.all([
      pipeline(stream.Readable.from([data.subarray(0, MiB), data.subarray(MiB)]), zlib.createGzip(), ad),
      pipeline(ad, zlib.createGunzip(), new stream.Writable({
        write(c: Buffer, _e, cb) { out.push(c); cb(); },
      })),
      echo,
    ]);
    expect(Buffer.concat(out).equals(data)).toBe(true);
    // Both sides ended: the sockets are closed.
    await until(() => a.closed && b.closed);
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(true);
  });

  test('backpressure: a paused Duplex stops the peer\'s sends; resuming lets them go on', async () => {
    const [a, b] = await make();
    const w = flood(a);
    const bd = b.toNodeStream();
    let got = 0;
    let paused = false;
    bd.on('data', (c: Buffer) => {
      got += c.length;
      if (got >= MiB && !paused) {
        paused = true;
        bd.pause();
      }
    });
    await sleep(300);
    const sent = w.sent;
    const gotThen = got;
    await sleep(300);
    expect(bd.isPaused()).toBe(true);
    expect(got).toBe(gotThen);
    expect(w.sent).toBe(sent);                          // the peer's send waits
    expect(w.sent - got).toBeLessThanOrEqual(16 * MiB); // (TCP: the kernel's buffers hold some)
    bd.resume();
    // (On TCP the kernel's buffers can hand the reader more than a MiB
    // before the waiting send is told of room: wait for both.)
    await until(() => got > gotThen + MiB && w.sent > sent);
    expect(got).toBeGreaterThan(gotThen + MiB);
    expect(w.sent).toBeGreaterThan(sent);
    bd.destroy();
    await w.ended;
    a.close();
  });

  test('end() is done(): the peer gets the bytes, then EPIPE; the socket closes once both sides ended', async () => {
    const [a, b] = await make();
    const bd = b.toNodeStream();
    bd.end('last words');
    expect(text(await a.recv(10))).toBe('last words');
    expect((await failure(a.recv(1))).code).toBe('EPIPE');
    // Half-closed: the readable side goes on.
    await sleep(20);
    expect(b.closed).toBe(false);
    await a.send('reply');
    const chunks: Buffer[] = [];
    bd.on('data', (c: Buffer) => chunks.push(c));
    await a.done();
    await closed(bd);
    expect(Buffer.concat(chunks).toString()).toBe('reply');
    expect(b.closed).toBe(true);
    a.close();
  });

  test('allowHalfOpen false (the default, as net.Socket): the peer\'s done() ends our writable side and closes the socket', async () => {
    const [a, b] = await make();
    const bd = b.toNodeStream();
    const chunks: Buffer[] = [];
    bd.on('data', (c: Buffer) => chunks.push(c));
    await a.send('bye');
    await a.done();
    await closed(bd);
    expect(Buffer.concat(chunks).toString()).toBe('bye');
    expect(bd.writableEnded).toBe(true);
    expect(b.closed).toBe(true);
    expect((await failure(a.recv(1))).code).toBe('EPIPE');
    a.close();
  });

  test('destroy() closes the socket; the peer\'s pending send fails', async () => {
    const [a, b] = await make();
    const w = flood(a);
    const bd = b.toNodeStream();
    bd.resume();
    await until(() => w.sent > MiB);
    bd.destroy();
    await closed(bd);
    expect(b.closed).toBe(true);
    expect(['ECONNRESET', 'EPIPE']).toContain(await w.ended);
    a.close();
  });

  test('a failure surfaces as an \'error\' event carrying the DillError (ECONNRESET: the peer closed with our bytes unread)', async () => {
    const [a, b] = await make();
    const bd = b.toNodeStream();
    const error = new Promise<Error>((r) => bd.on('error', r));
    bd.resume();
    await b.send('unread');
    await sleep(20);
    a.close();
    const e = await error;
    expect(e).toBeInstanceOf(DillError);
    expect((e as DillError).code).toBe('ECONNRESET');
    await closed(bd);
    expect(b.closed).toBe(true);
  });
});

describe('toNodeStream with Node\'s http', () => {
  test('http.request({ createConnection }) over our TCP socket to Node\'s http server: the response and its body', async () => {
    const srv = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => res.end(`${req.method} ${req.url} ${body}`));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const port = (srv.address() as { port: number }).port;
      const sock = await d.tcpConnect(d.ipLocal('127.0.0.1', port), { timeout: 5000 });
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.request({ method: 'POST', path: '/echo', createConnection: () => sock.toNodeStream() }, resolve);
        req.on('error', reject);
        req.end('a body');
      });
      expect(res.statusCode).toBe(200);
      let body = '';
      for await (const c of res) body += c;
      expect(body).toBe('POST /echo a body');
      await until(() => sock.closed);
      expect(sock.closed).toBe(true);
    } finally {
      srv.close();
    }
  });

  test('Node\'s http server serves a connection made of our socket (emit \'connection\')', async () => {
    const [a, b] = d.ipcPair();
    const srv = http.createServer((req, res) => res.end(`hello ${req.url}`));
    srv.emit('connection', b.toNodeStream());
    await a.send('GET /dill HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const got: Uint8Array[] = [];
    for await (const c of a) got.push(c);
    const answer = Buffer.concat(got).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer.endsWith('\r\n\r\nhello /dill')).toBe(true);
    a.close();
    await until(() => b.closed);
    expect(b.closed).toBe(true);
    srv.close();
  });
});

describe.each(KINDS)('web streams on %s', (_name, make) => {
  test('readable and writable are the same objects each time; readable.pipeTo gets every byte until the peer\'s done()', async () => {
    const [a, b] = await make();
    expect(b.readable).toBe(b.readable);
    expect(b.writable).toBe(b.writable);
    expect(b.readable).toBeInstanceOf(ReadableStream);
    expect(b.writable).toBeInstanceOf(WritableStream);
    const sink: Buffer[] = [];
    const piping = b.readable.pipeTo(new WritableStream<Uint8Array>({ write(c) { sink.push(Buffer.from(c)); } }));
    const data = Buffer.alloc(2 * MiB);
    for (let i = 0; i < data.length; i++) data[i] = (i * 13) & 0xff;
    await a.send(data);
    await a.done();
    await piping;
    expect(Buffer.concat(sink).equals(data)).toBe(true);
    expect(sink.length).toBeLessThan(data.length / 1000);
    a.close();
    b.close();
  });

  test('canceling the readable stops reading and leaves the socket usable: recv works after', async () => {
    const [a, b] = await make();
    await a.send('abc');
    const reader = b.readable.getReader();
    expect(text((await reader.read()).value!)).toBe('abc');
    await reader.cancel();
    expect(b.closed).toBe(false);
    await a.send('def');
    expect(text(await b.recv(3))).toBe('def');
    await a.send('ghi');
    expect(text(await b.recvSome())).toBe('ghi');
    // The other direction too.
    await b.send('ok');
    expect(text(await a.recv(2))).toBe('ok');
    a.close();
    b.close();
  });

  test('writable: each write is sent, close() is done() (the peer sees the end), abort() closes', async () => {
    const [a, b] = await make();
    const writer = b.writable.getWriter();
    await writer.write(Buffer.from('xyz'));
    expect(text(await a.recv(3))).toBe('xyz');
    await writer.close();
    expect((await failure(a.recv(1))).code).toBe('EPIPE');
    // Still open for reading after the half-close.
    await a.send('back');
    expect(text(await b.recv(4))).toBe('back');
    a.close();
    b.close();
    const [c, e] = await make();
    await e.writable.getWriter().abort(new Error('stop'));
    expect(e.closed).toBe(true);
    expect(['EPIPE', 'ECONNRESET']).toContain((await failure(c.recv(1, { timeout: 2000 }))).code);
    c.close();
  });

  test('backpressure: an unread readable stops the peer\'s sends; a writable to a peer that does not read stops taking writes', async () => {
    const [a, b] = await make();
    // Reading side: nobody reads b.readable beyond its first chunk.
    const w = flood(a);
    const reader = b.readable.getReader();
    await reader.read();
    await sleep(300);
    const sent = w.sent;
    await sleep(300);
    expect(w.sent).toBe(sent);
    expect(w.sent).toBeLessThanOrEqual(16 * MiB);
    let got = 0;
    while (got < 2 * MiB) got += (await reader.read()).value!.length;
    await until(() => w.sent > sent);
    expect(w.sent).toBeGreaterThan(sent);
    await reader.cancel();
    a.close();
    b.close();
    await w.ended;

    // Writing side: the peer does not read.
    const [c, e] = await make();
    const writer = e.writable.getWriter();
    const piece = new Uint8Array(65536);
    let wrote = 0;
    const writing = (async () => {
      try {
        for (;;) {
          await writer.ready;
          await writer.write(piece);
          wrote += piece.length;
        }
      } catch {
        // closed at the end
      }
    })();
    await sleep(300);
    const wroteThen = wrote;
    await sleep(300);
    expect(wrote).toBe(wroteThen);
    expect(writer.desiredSize).toBeLessThanOrEqual(0);
    expect(wrote).toBeLessThanOrEqual(16 * MiB);
    const r = c.readable.getReader();
    let read = 0;
    while (read < 2 * MiB) read += (await r.read()).value!.length;
    await until(() => wrote > wroteThen);
    expect(wrote).toBeGreaterThan(wroteThen);
    await r.cancel();
    e.close();
    c.close();
    await writing;
  });
});

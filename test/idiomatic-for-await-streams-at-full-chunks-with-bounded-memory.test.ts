/**
 * `for await (const chunk of sock)` and ByteStream.recvSome: what has
 * arrived, in large chunks (never more than maxChunk), one receive at a
 * time when the loop asks, so a slow reader holds a fast writer back (its
 * sends wait) and nothing piles up in memory; leaving the loop leaves
 * nothing pending. recvSome's errors: ETIMEDOUT and a signal leave IPC and
 * TCP sockets receiving, EPIPE at the end, EBUSY beside another receive.
 * Also on TLS and on a socket written in TypeScript.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { ByteStream } from '../dist/index';
import { PACKAGE_INDEX, failure, runPackageScript, sleep, text, tmpdir } from './helpers';
import { d, loadInstance, sockPath, useTempDir, tcpSockets } from './instance';

loadInstance();
useTempDir('forawait');

const MiB = 1 << 20;

/** n bytes of a pattern (misplaced or lost bytes show). */
function bytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 13)) & 0xff;
  return b;
}

async function ipcPathPair(): Promise<[ByteStream, ByteStream]> {
  const at = sockPath();
  const ls = await d.ipcListen(at);
  const accepting = ls.accept({ timeout: 5000 });
  const c = await d.ipcConnect(at, { timeout: 5000 });
  const s = await accepting;
  ls.close();
  fs.rmSync(at, { force: true });
  return [c, s];
}


/**
 * How far a writer gets ahead of a reader: the kernel's socket buffers
 * hold some on TCP (several MiB on loopback), the library itself a
 * bounded amount; on IPC sockets a few hundred KiB at most.
 */
const KINDS = [
  ['ipcPair', async () => d.ipcPair() as [ByteStream, ByteStream], 1 * MiB],
  ['an IPC socket over a path', ipcPathPair, 1 * MiB],
  ['TCP on loopback', tcpSockets, 16 * MiB],
] as const;

/** Sends `data` in sends of `piece` bytes; `sent` counts the bytes each completed send took. */
function writer(sock: ByteStream, data: Uint8Array, piece: number) {
  const state = { sent: 0, pending: false, error: null as unknown, done: Promise.resolve() };
  state.done = (async () => {
    try {
      for (let off = 0; off < data.length; off += piece) {
        state.pending = true;
        await sock.send(data.subarray(off, Math.min(off + piece, data.length)), { timeout: 20000 });
        state.pending = false;
        state.sent = Math.min(off + piece, data.length);
      }
    } catch (e) {
      state.error = e;
    }
  })();
  return state;
}

describe.each(KINDS)('for await on %s', (_name, make, ahead) => {
  test('8 MiB from a fast writer come in chunks of up to maxChunk, far fewer than the bytes, in order', async () => {
    const [a, b] = await make();
    const data = bytes(8 * MiB);
    const w = writer(a, data, MiB);
    const sending = w.done.then(() => a.done());
    const got: Uint8Array[] = [];
    for await (const chunk of b) got.push(chunk);
    await sending;
    expect(w.error).toBeNull();
    expect(Math.max(...got.map((c) => c.length))).toBeLessThanOrEqual(65536);
    expect(got.every((c) => c.length > 0)).toBe(true);
    // Full chunks, as Node's reads give them: not byte by byte.
    expect(got.length).toBeLessThan(data.length / 4096);
    expect(Buffer.concat(got).equals(data)).toBe(true);

    // maxChunk bounds each chunk.
    const [c, e] = await make();
    const small = bytes(MiB);
    const w2 = writer(c, small, small.length);
    const sending2 = w2.done.then(() => c.done());
    const got2: Uint8Array[] = [];
    for await (const chunk of e.chunks({ maxChunk: 10000 })) got2.push(chunk);
    await sending2;
    expect(Math.max(...got2.map((x) => x.length))).toBeLessThanOrEqual(10000);
    expect(got2.length).toBeLessThan(small.length / 1000);
    expect(Buffer.concat(got2).equals(small)).toBe(true);
    for (const h of [a, b, c, e]) h.close();
  });

  test(`a writer gets no further than ${ahead / MiB} MiB ahead of a reader that does not read: its sends wait`, async () => {
    const [a, b] = await make();
    const data = bytes(64 * MiB);
    const w = writer(a, data, 65536);
    await sleep(400);
    const first = w.sent;
    await sleep(300);
    // Stuck: a send waits, and no more bytes went.
    expect(w.pending).toBe(true);
    expect(w.sent).toBe(first);
    expect(w.sent).toBeLessThanOrEqual(ahead);
    // Reading lets it go on; the bytes are all there, in order.
    let got = 0;
    let ok = true;
    for await (const chunk of b) {
      if (!data.subarray(got, got + chunk.length).equals(chunk)) ok = false;
      got += chunk.length;
      if (got >= 4 * MiB) break;
    }
    expect(ok).toBe(true);
    for (let i = 0; i < 200 && w.sent <= first; i++) await sleep(10);
    expect(w.sent).toBeGreaterThan(first);
    a.close();
    b.close();
    await w.done;
  });

  test('a slow reader holds a fast writer back all along (a bounded amount in between)', async () => {
    const [a, b] = await make();
    const data = bytes(12 * MiB);
    const w = writer(a, data, 65536);
    const sending = w.done.then(() => a.done());
    let got = 0;
    let most = 0;
    let n = 0;
    for await (const chunk of b.chunks({ maxChunk: 65536 })) {
      got += chunk.length;
      most = Math.max(most, w.sent - got);
      if (++n % 8 === 0) await sleep(2);      // a slow consumer
    }
    await sending;
    expect(got).toBe(data.length);
    expect(most).toBeLessThanOrEqual(ahead);
    a.close();
    b.close();
  });

  test('break in the middle of a stream leaves nothing pending: recv and recvSome work after, close ends the writer', async () => {
    const [a, b] = await make();
    const data = bytes(8 * MiB);
    const w = writer(a, data, MiB);
    let got = 0;
    for await (const chunk of b) {
      got += chunk.length;
      if (got >= 100000) break;
    }
    // The socket receives on, from the byte after the last chunk.
    const next = await b.recv(1000);
    expect(Buffer.from(next).equals(data.subarray(got, got + 1000))).toBe(true);
    const some = await b.recvSome(5000);
    expect(Buffer.from(some).equals(data.subarray(got + 1000, got + 1000 + some.length))).toBe(true);
    b.close();
    await w.done;
    // The writer's pending send failed (the peer is gone), not hung.
    expect(w.error).toBeTruthy();
    a.close();
  });
});

describe('break out of the loop in the middle of a large stream, then close: the process exits by itself', () => {
  test('ipcPair, an IPC path and TCP', () => {
    const sock = path.join(tmpdir('forawait-exit'), 's.sock');
    const r = runPackageScript(`
      const d = await Dill.load();
      const ls = await d.ipcListen(${JSON.stringify(sock)});
      const acc = ls.accept();
      const ic = await d.ipcConnect(${JSON.stringify(sock)});
      const is = await acc;
      const tl = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
      const acc2 = tl.accept();
      const tc = await d.tcpConnect(d.ipLocal('127.0.0.1', tl.port));
      const ts = await acc2;
      for (const [a, b] of [d.ipcPair(), [ic, is], [tc, ts]]) {
        const sending = a.send(new Uint8Array(8 << 20)).catch((e) => e.code);
        let got = 0;
        for await (const c of b) { got += c.length; if (got > 300000) break; }
        b.close();
        a.close();
        console.log('broke', got > 300000, typeof (await sending));
      }
      ls.close();
      tl.close();
      console.log('closed');`,
    `const { Dill } = require(${JSON.stringify(PACKAGE_INDEX)});`, `.catch((e) => { console.log('ERR', e); });`);
    fs.rmSync(path.dirname(sock), { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('broke true string\n'.repeat(3) + 'closed\n');
    expect(r.status).toBe(0);
    expect(r.ms).toBeLessThan(10000);
  });
});

describe.each([
  ['ipcPair', async () => d.ipcPair() as [ByteStream, ByteStream]],
  ['TCP on loopback', tcpSockets],
] as const)('recvSome on %s', (_name, make) => {
  test('what has arrived, up to max; waits for the first byte', async () => {
    const [a, b] = await make();
    await a.send('hello');
    await sleep(10);
    expect(text(await b.recvSome())).toBe('hello');
    await a.send('abcdef');
    await sleep(10);
    expect(text(await b.recvSome(4))).toBe('abcd');
    expect(text(await b.recvSome(4))).toBe('ef');
    const waiting = b.recvSome();
    await sleep(20);
    await a.send('late');
    expect(text(await waiting)).toBe('late');
    await expect(b.recvSome(0)).rejects.toThrow(RangeError);
    await expect(b.recvSome(1.5)).rejects.toThrow(RangeError);
    a.close();
    b.close();
  });

  test('ETIMEDOUT consumes nothing and leaves the socket receiving', async () => {
    const [a, b] = await make();
    const t0 = d.now();
    expect(await failure(b.recvSome(64, { timeout: 40 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'dillwasm_brecvsome' });
    expect(d.now() - t0).toBeGreaterThanOrEqual(35);
    expect((await failure(b.recvSome(64, { deadline: 0 }))).code).toBe('ETIMEDOUT');
    await a.send('still');
    expect(text(await b.recvSome())).toBe('still');
    await a.send('xyz');
    expect(text(await b.recv(3))).toBe('xyz');
    a.close();
    b.close();
  });

  test('aborting its signal rejects with the signal\'s reason and leaves the socket receiving', async () => {
    const [a, b] = await make();
    const ac = new AbortController();
    const p = b.recvSome(64, { signal: ac.signal });
    await sleep(20);
    const reason = new Error('enough');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    const ac2 = new AbortController();
    const p2 = b.recvSome(64, { signal: ac2.signal });
    ac2.abort();
    await expect(p2).rejects.toMatchObject({ name: 'AbortError' });
    await expect(b.recvSome(64, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await a.send('after');
    expect(text(await b.recvSome())).toBe('after');
    // for await on it from there on.
    await a.send('more');
    await a.done();
    const rest: string[] = [];
    for await (const c of b) rest.push(text(c));
    expect(rest.join('')).toBe('more');
    a.close();
    b.close();
  });

  test('EPIPE at the end, once everything sent before was received, and again after', async () => {
    const [a, b] = await make();
    await a.send('tail');
    await a.done();
    expect(text(await b.recvSome())).toBe('tail');
    expect(await failure(b.recvSome())).toMatchObject({ code: 'EPIPE', syscall: 'dillwasm_brecvsome' });
    expect((await failure(b.recvSome())).code).toBe('EPIPE');
    // The other direction still works after the peer's done().
    await b.send('back');
    expect(text(await a.recv(4))).toBe('back');
    a.close();
    b.close();
  });

  test('EBUSY beside another receive that waits; that one still gets the bytes', async () => {
    const [a, b] = await make();
    const first = b.recvSome();
    await sleep(10);
    expect((await failure(b.recvSome())).code).toBe('EBUSY');
    await a.send('one');
    expect(text(await first)).toBe('one');
    const whole = b.recv(3);
    await sleep(10);
    expect((await failure(b.recvSome())).code).toBe('EBUSY');
    await a.send('two');
    expect(text(await whole)).toBe('two');
    a.close();
    b.close();
  });
});

describe('recvSome and for await on other bytestreams', () => {
  let dir: string;
  let cert: string;
  let key: string;
  beforeAll(() => {
    dir = tmpdir('forawait-tls');
    execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
      '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', 'srv.key', '-out', 'srv.pem'], { cwd: dir, stdio: 'ignore' });
    cert = path.join(dir, 'srv.pem');
    key = path.join(dir, 'srv.key');
  });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  async function tlsPair() {
    const [a, b] = d.ipcPair();
    return Promise.all([
      a.attachTlsClient({ timeout: 5000 }),
      b.attachTlsServer({ cert, key }, { timeout: 5000 }),
    ]);
  }

  test('TLS: what has arrived up to max, waiting for late bytes, large chunks in for await, EPIPE at the end', async () => {
    const [tc, ts] = await tlsPair();
    await tc.send('over tls');
    expect(text(await ts.recvSome())).toBe('over tls');
    await tc.send('abcdef');
    expect(text(await ts.recvSome(4))).toBe('abcd');
    expect(text(await ts.recvSome(4))).toBe('ef');
    const waiting = ts.recvSome();
    await sleep(20);
    await tc.send('late');
    expect(text(await waiting)).toBe('late');
    const data = bytes(2 * MiB);
    const sending = tc.send(data).then(() => tc.done());
    const got: Uint8Array[] = [];
    for await (const c of ts.chunks({ maxChunk: 100000 })) got.push(c);
    await sending;
    expect(Math.max(...got.map((c) => c.length))).toBeLessThanOrEqual(100000);
    expect(got.length).toBeLessThan(data.length / 1000);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    expect((await failure(ts.recvSome())).code).toBe('EPIPE');
    tc.close();
    ts.close();
  });

  test('TLS: a recvSome that times out breaks receiving, as recv does there (documented)', async () => {
    const [tc, ts] = await tlsPair();
    expect((await failure(ts.recvSome(64, { timeout: 30 }))).code).toBe('ETIMEDOUT');
    await tc.send('x');
    expect((await failure(ts.recvSome(64, { timeout: 1000 }))).code).toBe('ECONNRESET');
    tc.close();
    ts.close();
  });

  test('a socket written in TypeScript: recvSome gives a byte at a time, for await yields them all, EPIPE ends it', async () => {
    const [l0, l1] = d.ipcPair();
    const x = d.byteStream({
      async send(data, opts) { await l0.send(data, opts); },
      async recv(buf, opts) { await l0.recvInto(buf, opts); },
      async done(opts) { await l0.done(opts); },
      close() { l0.close(); },
    });
    await l1.send('hello');
    const first = await x.recvSome(64);
    expect(first.length).toBe(1);
    expect(text(first)).toBe('h');
    await l1.done();
    const got: Uint8Array[] = [];
    for await (const c of x) got.push(c);
    expect(got.map(text)).toEqual(['e', 'l', 'l', 'o']);
    expect((await failure(x.recvSome())).code).toBe('EPIPE');
    x.close();
    l1.close();
  });
});

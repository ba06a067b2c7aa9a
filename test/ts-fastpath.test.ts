/**
 * bsend and brecv from TypeScript on IPC and TCP connections run in JS when
 * they can (src/host.ts fastIo): a send the socket layer takes whole, a
 * receive whose bytes are there, and a receive of up to 16 KiB that waits
 * for its bytes in JS instead of in a coroutine.  Everything else goes the
 * general way, through the library.
 *
 * Each case here runs on both kinds of connection (ipc_pair, whose ends are
 * in this program, and TCP over loopback, through the kernel) and with a
 * small receive (waits in JS) and a large one (waits in a coroutine): the
 * results must be the same, as C's.
 *
 * It loads the built package (dist/, made by `make build`).
 */
import * as path from 'path';
import { load, Dill, DillError, ByteStream } from '../dist/index';
import type { CApi } from '../dist/index';
import { node, tmpdir, ROOT, tcpPair as tcpPairOf } from './helpers';

let dill: CApi;
let d: Dill;

beforeAll(async () => {
  dill = await load();
  d = new Dill(dill);
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A connected pair of library sockets: [one end, the other]. */
type PairFn = () => Promise<[number, number]>;

const ipcPair: PairFn = async () => {
  const hs = [0, 0];
  expect(dill.ipc_pair(hs)).toBe(0);
  return [hs[0], hs[1]];
};

const tcpPair: PairFn = () => tcpPairOf(dill);

/** Bytes following a pattern (so misplaced or lost bytes show). */
function pattern(n: number, add = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + add) & 255;
  return b;
}

/** errno after a call from the test body (the top-level coroutine). */
const errnoName = (): string => Object.keys(dill.errnos).find((k) => dill.errnos[k] === dill.errno) ?? String(dill.errno);

/** The same with the idiomatic layer. */
type SocketPairFn = () => Promise<[ByteStream, ByteStream]>;

const ipcSockets: SocketPairFn = async () => d.ipcPair();

const tcpSockets: SocketPairFn = async () => {
  const a = dill.ipaddr();
  expect(dill.ipaddr_local(a, '127.0.0.1', 0, 0)).toBe(0);
  const ls = await d.tcpListen(d.ipAddress(a));
  const acc = ls.accept();
  const c = await d.tcpConnect(ls.address!);
  const s = await acc;
  ls.close();
  return [c, s];
};

const KINDS: [string, PairFn, SocketPairFn][] = [['ipc_pair', ipcPair, ipcSockets], ['TCP', tcpPair, tcpSockets]];
// 100 bytes wait in JS; 20 KiB (over 16 KiB) wait in a coroutine.
const SIZES: [string, number][] = [['small receive (waits in JS)', 100], ['large receive (waits in a coroutine)', 20 * 1024]];

describe.each(KINDS)('%s', (kind, pair, sockets) => {
  describe.each(SIZES)('%s', (_size, n) => {
    test('the bytes come later: 0 and the bytes; a second receive meanwhile gets EBUSY', async () => {
      const [a, b] = await pair();
      const buf = new Uint8Array(n);
      const pending = dill.brecv(b, buf, n, dill.now() + 5000);
      await sleep(5);
      expect(await dill.brecv(b, new Uint8Array(1), 1, dill.now() + 100)).toBe(-1);
      expect(errnoName()).toBe('EBUSY');
      // In two parts: the first receive takes both.
      const data = pattern(n, 3);
      expect(await dill.bsend(a, data.subarray(0, n >> 1), n >> 1, -1)).toBe(0);
      await sleep(5);
      expect(await dill.bsend(a, data.subarray(n >> 1), n - (n >> 1), -1)).toBe(0);
      expect(await pending).toBe(0);
      expect(Buffer.from(buf).equals(Buffer.from(data))).toBe(true);
      // The socket is free again.
      expect(await dill.bsend(a, data, 1, -1)).toBe(0);
      const one = new Uint8Array(1);
      expect(await dill.brecv(b, one, 1, dill.now() + 2000)).toBe(0);
      expect(one[0]).toBe(data[0]);
      dill.hclose(a);
      dill.hclose(b);
    });

    test('deadline: ETIMEDOUT; the bytes that came are consumed, the buffer left alone; receiving is broken after', async () => {
      const [a, b] = await pair();
      expect(await dill.bsend(a, pattern(10), 10, -1)).toBe(0);
      const buf = new Uint8Array(n);
      const t0 = dill.now();
      expect(await dill.brecv(b, buf, n, t0 + 60)).toBe(-1);
      expect(errnoName()).toBe('ETIMEDOUT');
      expect(dill.now() - t0).toBeGreaterThanOrEqual(59);
      expect(buf.every((x) => x === 0)).toBe(true);
      // As a C receive that timed out: the direction is unusable.
      expect(await dill.brecv(b, buf, 1, dill.now() + 50)).toBe(-1);
      expect(errnoName()).toBe('ECONNRESET');
      // Sending still works.
      expect(await dill.bsend(b, pattern(5), 5, -1)).toBe(0);
      const five = new Uint8Array(5);
      expect(await dill.brecv(a, five, 5, dill.now() + 2000)).toBe(0);
      expect([...five]).toEqual([...pattern(5)]);
      dill.hclose(a);
      dill.hclose(b);
    });

    test('a receive that got its bytes before its deadline leaves the next receive alone', async () => {
      const [a, b] = await pair();
      const buf = new Uint8Array(n);
      const first = dill.brecv(b, buf, n, dill.now() + 60);
      await sleep(5);
      expect(await dill.bsend(a, pattern(n), n, -1)).toBe(0);
      expect(await first).toBe(0);
      // The next one waits past the first one's deadline, then gets its bytes.
      const second = dill.brecv(b, buf, n, -1);
      let settled = false;
      second.then(() => { settled = true; });
      await sleep(120);
      expect(settled).toBe(false);
      expect(await dill.bsend(a, pattern(n, 9), n, -1)).toBe(0);
      expect(await second).toBe(0);
      expect(Buffer.from(buf).equals(Buffer.from(pattern(n, 9)))).toBe(true);
      dill.hclose(a);
      dill.hclose(b);
    });

    test('a deadline already past: ETIMEDOUT, receiving broken after; other receives waiting meanwhile are left alone', async () => {
      const [a, b] = await pair();
      const [c, e] = await pair();
      // Another socket's receive waits meanwhile, in a go() task.
      let other = 0, otherErr = '';
      const done = new Promise<void>((resolve) => {
        const h = dill.go(async () => {
          other = await dill.brecv(e, new Uint8Array(1), 1, dill.now() + 5000);
          otherErr = errnoName();
          resolve();
        });
        setTimeout(() => dill.hclose(h), 30);
      });
      await sleep(5);
      expect(await dill.brecv(b, new Uint8Array(n), n, dill.now() - 10)).toBe(-1);
      expect(errnoName()).toBe('ETIMEDOUT');
      expect(await dill.brecv(b, new Uint8Array(1), 1, 0)).toBe(-1);
      expect(errnoName()).toBe('ECONNRESET');
      // Still canceled by hclose of its bundle.
      await done;
      expect(other).toBe(-1);
      expect(otherErr).toBe('ECANCELED');
      for (const h of [a, b, c, e]) dill.hclose(h);
    });

    test('deadline 0: ETIMEDOUT at once without the bytes, 0 with them', async () => {
      const [a, b] = await pair();
      const buf = new Uint8Array(n);
      expect(await dill.brecv(b, buf, n, 0)).toBe(-1);
      expect(errnoName()).toBe('ETIMEDOUT');
      const [c, e] = await pair();
      expect(await dill.bsend(c, pattern(n), n, -1)).toBe(0);
      await sleep(50);
      expect(await dill.brecv(e, buf, n, 0)).toBe(0);
      expect(Buffer.from(buf).equals(Buffer.from(pattern(n)))).toBe(true);
      for (const h of [a, b, c, e]) dill.hclose(h);
    });

    test('hclose of the socket while its receive waits: EBADF', async () => {
      const [a, b] = await pair();
      const pending = dill.brecv(b, new Uint8Array(n), n, -1);
      await sleep(5);
      expect(dill.hclose(b)).toBe(0);
      expect(await pending).toBe(-1);
      expect(errnoName()).toBe('EBADF');
      dill.hclose(a);
    });

    test('hclose of the go() bundle: ECANCELED inside the coroutine', async () => {
      const [a, b] = await pair();
      let rc = 0, err = '';
      const done = new Promise<void>((resolve) => {
        const h = dill.go(async () => {
          rc = await dill.brecv(b, new Uint8Array(n), n, -1);
          err = errnoName();
          resolve();
        });
        expect(h).toBeGreaterThanOrEqual(0);
        setTimeout(() => dill.hclose(h), 10);
      });
      await done;
      expect(rc).toBe(-1);
      expect(err).toBe('ECANCELED');
      // As after any canceled receive: receiving is unusable.
      expect(await dill.brecv(b, new Uint8Array(1), 1, 0)).toBe(-1);
      expect(errnoName()).toBe('ECONNRESET');
      dill.hclose(a);
      dill.hclose(b);
    });

    test('a receive still waiting when its go() function ended is canceled by hclose of the bundle', async () => {
      const [a, b] = await pair();
      let pending: Promise<number> | null = null;
      const h = dill.go(async () => {
        pending = dill.brecv(b, new Uint8Array(n), n, -1);
      });
      await sleep(10);
      expect(pending).not.toBeNull();
      expect(dill.hclose(h)).toBe(0);
      expect(await pending!).toBe(-1);
      dill.hclose(a);
      dill.hclose(b);
    });

    test('the peer finishes sending, before or after part of the bytes: EPIPE', async () => {
      for (const part of [0, 10]) {
        const [a, b] = await pair();
        const pending = dill.brecv(b, new Uint8Array(n), n, dill.now() + 5000);
        await sleep(5);
        if (part) expect(await dill.bsend(a, pattern(part), part, -1)).toBe(0);
        await sleep(5);
        expect(kind === 'TCP' ? await dill.tcp_done(a, -1) : await dill.ipc_done(a, -1)).toBe(0);
        expect(await pending).toBe(-1);
        expect(errnoName()).toBe('EPIPE');
        dill.hclose(a);
        dill.hclose(b);
      }
    });

    test('the peer closes with bytes unread (a reset): ECONNRESET', async () => {
      const [a, b] = await pair();
      // Bytes sent to `a` that it never reads: closing it resets.
      expect(await dill.bsend(b, pattern(3), 3, -1)).toBe(0);
      await sleep(20);
      const pending = dill.brecv(b, new Uint8Array(n), n, dill.now() + 5000);
      await sleep(5);
      expect(dill.hclose(a)).toBe(0);
      expect(await pending).toBe(-1);
      expect(errnoName()).toBe('ECONNRESET');
      dill.hclose(b);
    });

    test('idiomatic: aborting the signal cancels the receive (DillError ECANCELED)', async () => {
      const [a, b] = await sockets();
      const ac = new AbortController();
      const p = b.recv(n, { signal: ac.signal });
      await sleep(5);
      ac.abort();
      const e = await p.then(() => null, (x) => x);
      expect(e).toBeInstanceOf(DillError);
      expect((e as DillError).code).toBe('ECANCELED');
      // A receive that came meanwhile is EBUSY no longer.
      const e2 = await b.recv(1, { deadline: dill.now() + 20 }).then(() => null, (x) => x);
      expect((e2 as DillError).code).toBe('ECONNRESET');
      a.close();
      b.close();
    });
  });

  test('bsend to a peer that reset: ECONNRESET, and again after; a receive then answers at once', async () => {
    const [a, b] = await pair();
    expect(await dill.bsend(a, pattern(3), 3, -1)).toBe(0);
    await sleep(20);
    expect(dill.hclose(b)).toBe(0);
    await sleep(20);
    const big = pattern(1000);
    let rc = 0;
    // TCP: the first write after the reset may still be taken by the
    // kernel; a later one fails.
    for (let i = 0; i < 50 && rc === 0; i++) {
      rc = await dill.bsend(a, big, big.length, -1);
      if (rc === 0) await sleep(5);
    }
    expect(rc).toBe(-1);
    expect(errnoName()).toBe('ECONNRESET');
    expect(await dill.bsend(a, big, 1, -1)).toBe(-1);
    expect(errnoName()).toBe('ECONNRESET');
    // A receive after it answers at once (it used to wait for input
    // forever): on an IPC connection the reset is still to be reported; on
    // TCP the send reported it and the stream has ended.
    for (const n of [1, 20000]) {
      const t0 = dill.now();
      expect(await dill.brecv(a, new Uint8Array(n), n, dill.now() + 2000)).toBe(-1);
      expect(dill.now() - t0).toBeLessThan(1000);
      expect(errnoName()).toBe(kind === 'TCP' ? 'EPIPE' : 'ECONNRESET');
    }
    dill.hclose(a);
  });

  test('closing against a peer that never stops sending: ETIMEDOUT at the deadline, and the peer\'s next send ECONNRESET', async () => {
    const [a, b] = await pair();
    const buf = pattern(4096);
    let sent = 0;
    // A coroutine of its own: its errno is not the test body's.
    let h = -1;
    const flood = new Promise<string>((resolve) => {
      h = dill.go(async () => {
        while ((await dill.bsend(b, buf, buf.length, -1)) === 0) sent++;
        resolve(errnoName());
      });
    });
    expect(h).toBeGreaterThanOrEqual(0);
    await sleep(5);
    const t0 = dill.now();
    const close = kind === 'TCP' ? dill.tcp_close : dill.ipc_close;
    expect(await close(a, t0 + 100)).toBe(-1);
    expect(errnoName()).toBe('ETIMEDOUT');
    const took = dill.now() - t0;
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(1000);
    expect(sent).toBeGreaterThan(0);
    expect(await flood).toBe('ECONNRESET');
    dill.hclose(h);
    dill.hclose(b);
  });

  test('many round trips of small messages, and a large receive between them', async () => {
    const [a, b] = await pair();
    const msg = new Uint8Array(4);
    const echo = (async () => {
      for (let i = 0; i < 500; i++) {
        expect(await dill.brecv(b, msg, 4, dill.now() + 5000)).toBe(0);
        expect(await dill.bsend(b, msg, 4, -1)).toBe(0);
      }
      const big = new Uint8Array(100000);
      expect(await dill.brecv(b, big, big.length, dill.now() + 5000)).toBe(0);
      expect(Buffer.from(big).equals(Buffer.from(pattern(100000, 1)))).toBe(true);
    })();
    const back = new Uint8Array(4);
    for (let i = 0; i < 500; i++) {
      const m = new Uint8Array([i & 255, i >> 8, 1, 2]);
      expect(await dill.bsend(a, m, 4, -1)).toBe(0);
      expect(await dill.brecv(a, back, 4, dill.now() + 5000)).toBe(0);
      expect([...back]).toEqual([...m]);
    }
    expect(await dill.bsend(a, pattern(100000, 1), 100000, -1)).toBe(0);
    await echo;
    dill.hclose(a);
    dill.hclose(b);
  });
});

describe('TCP', () => {
  test('closing with bytes Node read but the program did not resets the peer, as natively', async () => {
    const [a, b] = await tcpPair();
    // b waits in JS for one byte and gets it; then bytes come that nobody
    // asks for.
    const one = new Uint8Array(1);
    const pending = dill.brecv(b, one, 1, dill.now() + 2000);
    await sleep(5);
    expect(await dill.bsend(a, pattern(1), 1, -1)).toBe(0);
    expect(await pending).toBe(0);
    expect(await dill.bsend(a, pattern(50), 50, -1)).toBe(0);
    await sleep(30);
    expect(dill.hclose(b)).toBe(0);
    // The peer sees a reset, not the end of the stream.
    expect(await dill.brecv(a, one, 1, dill.now() + 2000)).toBe(-1);
    expect(errnoName()).toBe('ECONNRESET');
    dill.hclose(a);
  });

  test('tcp_close against another process that never stops sending: ETIMEDOUT at the deadline', () => {
    const dir = tmpdir('fastpath');
    const script = path.join(dir, 'flood.js');
    require('fs').writeFileSync(script, `
      const { load } = require(${JSON.stringify(path.join(ROOT, 'dist', 'index.js'))});
      const { spawn } = require('child_process');
      (async () => {
        const dill = await load();
        const a = dill.ipaddr();
        dill.ipaddr_local(a, '127.0.0.1', 0, 0);
        const ls = await dill.tcp_listen(a, 10);
        // A peer that sends as fast as it can until the connection fails
        // (it keeps its sending side open when ours shuts down).
        const peer = spawn(process.execPath, ['-e',
          "const buf = Buffer.alloc(65536, 120);" +
          "const s = require('net').connect({port: " + dill.ipaddr_port(a) + ", host: '127.0.0.1', allowHalfOpen: true}, () => {" +
          "  const pump = () => { while (s.write(buf)) {} }; s.on('drain', pump); pump(); });" +
          "s.on('error', () => process.exit(0));"],
          { stdio: 'ignore' });
        const s = await dill.tcp_accept(ls, null, -1);
        const buf = new Uint8Array(1 << 20);
        // The flood is under way.
        console.log('brecv', await dill.brecv(s, buf, buf.length, dill.now() + 5000));
        const t0 = dill.now();
        const rc = await dill.tcp_close(s, t0 + 100);
        const err = Object.keys(dill.errnos).find((k) => dill.errnos[k] === dill.errno);
        const took = dill.now() - t0;
        console.log('tcp_close', rc, err, took >= 95 && took < 1000 ? 'at the deadline' : took + ' ms');
        peer.on('exit', () => console.log('peer gone'));
      })();
    `);
    const r = node([script], { timeout: 20000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(['brecv 0', 'tcp_close -1 ETIMEDOUT at the deadline', 'peer gone']);
  });

  test('a receive waiting in JS keeps Node alive until its bytes come from another process', () => {
    const dir = tmpdir('fastpath');
    const script = path.join(dir, 'wait.js');
    require('fs').writeFileSync(script, `
      const { load } = require(${JSON.stringify(path.join(ROOT, 'dist', 'index.js'))});
      const { spawn } = require('child_process');
      (async () => {
        const dill = await load();
        const a = dill.ipaddr();
        dill.ipaddr_local(a, '127.0.0.1', 0, 0);
        const ls = await dill.tcp_listen(a, 10);
        // A peer that connects and sends one byte after 300 ms; nothing of
        // it keeps this process alive.
        const peer = spawn(process.execPath, ['-e',
          "const s = require('net').connect(" + dill.ipaddr_port(a) + ", '127.0.0.1', () => setTimeout(() => s.end('x'), 300))"],
          { stdio: 'ignore' });
        peer.unref();
        const s = await dill.tcp_accept(ls, null, -1);
        const buf = new Uint8Array(1);
        const rc = await dill.brecv(s, buf, 1, -1);
        console.log('brecv', rc, String.fromCharCode(buf[0]));
      })();
    `);
    const r = node([script], { timeout: 20000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('brecv 0 x');
  });
});

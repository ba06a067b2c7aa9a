/**
 * bsend and brecv from TypeScript on IPC and TCP connections run in JS when
 * they can (src/host/fastio.ts): a send the socket layer takes whole, a
 * receive whose bytes are there, and a receive of up to 16 KiB that waits
 * for its bytes in JS instead of in a coroutine.  Everything else goes the
 * general way, through the library.
 *
 * Each case here runs on both kinds of connection (connection-kinds.ts)
 * and with a small receive (waits in JS) and a large one (waits in a
 * coroutine): the results must be the same, as C's.
 */
import { DillError } from '../dist/index';
import { sleep } from './helpers';
import { dill, errnoName, loadInstance } from './instance';
import { KINDS, pattern } from './connection-kinds';

loadInstance();

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

    test('idiomatic: aborting the signal cancels the receive (rejected with the signal\'s reason)', async () => {
      const [a, b] = await sockets();
      const ac = new AbortController();
      const p = b.recv(n, { signal: ac.signal });
      await sleep(5);
      ac.abort();
      const e = await p.then(() => null, (x) => x);
      expect(e).toBe(ac.signal.reason);
      expect((e as Error).name).toBe('AbortError');
      // A receive that came meanwhile is EBUSY no longer.
      const e2 = await b.recv(1, { deadline: dill.now() + 20 }).then(() => null, (x) => x);
      expect((e2 as DillError).code).toBe('ECONNRESET');
      a.close();
      b.close();
    });
  });

});

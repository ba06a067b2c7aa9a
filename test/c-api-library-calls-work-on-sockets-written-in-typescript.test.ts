/**
 * Bytestreams and message sockets written in TypeScript (hmake with
 * bsock_type or msock_type), from the C-faithful layer: the library's own
 * functions (bsend, msend, prefix_attach, term_attach...) work on them;
 * errno, deadlines, cancellation and exceptions cross between the two.
 */
import { DillError } from '../dist/index';
import { enc, text } from './helpers';
import { brecvN, dill, loadInstance, mrecv, pair, soon } from './instance';
import { XOR_TYPE, bsockOf, sizedLayer, xor, xorLayer } from './layers';

loadInstance();

describe('a bytestream written in TypeScript', () => {
  test('bsend, bsendl, brecv and brecvl (with skipped bytes) go through it', async () => {
    const [s0, s1] = pair();
    const x = xorLayer(s0, 0x21);
    expect(dill.hquery(x.h, dill.bsock_type)).toBe(x.vfs);
    expect(await dill.bsend(x.h, enc('hello'), 5, soon())).toBe(0);
    expect(await dill.bsendl(x.h, [enc('ab'), enc(''), enc('cd')], soon())).toBe(0);
    expect(text(xor((await brecvN(s1, 9))!, 0x21))).toBe('helloabcd');
    expect(await dill.bsend(s1, xor(enc('0123456789'), 0x21), 10, soon())).toBe(0);
    const head = new Uint8Array(2);
    const tail = new Uint8Array(3);
    expect(await dill.brecvl(x.h, [head, { base: null, len: 5 }, tail], soon())).toBe(0);
    expect([text(head), text(tail)]).toEqual(['01', '789']);
    // Not a message socket: the library refuses before calling it.
    expect(await dill.msend(x.h, enc('m'), 1, soon())).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    dill.hclose(x.h);
    dill.hclose(s1);
  });

  test('errno: the failed library call\'s, the one it sets, a DillError\'s; EPIPE from below reaches the caller', async () => {
    const [s0, s1] = pair();
    const x = xorLayer(s0);
    expect(await dill.ipc_done(s1, soon())).toBe(0);
    expect(await brecvN(x.h, 1)).toBeNull();
    expect(dill.errno).toBe(dill.EPIPE);
    expect(x.innerErrno).toEqual([dill.EPIPE]);
    dill.hclose(x.h);
    dill.hclose(s1);

    const sets = bsockOf({ bsendl: () => { dill.errno = dill.EPROTO; return -1; } });
    expect(await dill.bsend(sets, enc('a'), 1, soon())).toBe(-1);
    expect(dill.errno).toBe(dill.EPROTO);
    const throwsDill = bsockOf({
      bsendl: async () => { throw new DillError('mine', dill.ECONNRESET, 'ECONNRESET', 'reset'); },
    });
    expect(await dill.bsend(throwsDill, enc('a'), 1, soon())).toBe(-1);
    expect(dill.errno).toBe(dill.ECONNRESET);
    // -1 without any errno: EIO.
    const bare = bsockOf({ bsendl: () => -1 });
    expect(await dill.bsend(bare, enc('a'), 1, soon())).toBe(-1);
    expect(dill.errno).toBe(dill.EIO);
    for (const h of [sets, throwsDill, bare]) dill.hclose(h);
  });

  test('an exception (or a result that is not 0 or -1) rejects the TypeScript call it ran for', async () => {
    const boom = new Error('boom');
    const throwsSync = bsockOf({ bsendl: () => { throw boom; } });
    await expect(dill.bsend(throwsSync, enc('a'), 1, soon())).rejects.toBe(boom);
    const throwsAsync = bsockOf({ brecvl: async () => { throw boom; } });
    await expect(dill.brecv(throwsAsync, new Uint8Array(1), 1, soon())).rejects.toBe(boom);
    const undef = bsockOf({ bsendl: async () => undefined as unknown as number });
    await expect(dill.bsend(undef, enc('a'), 1, soon())).rejects.toThrow(/must return 0 or -1/);
    // query must not call the library; nor return something without the functions.
    const q = dill.hmake({ query: () => { dill.now(); return null; }, close: () => {} });
    await expect(dill.bsend(q, enc('a'), 1, soon())).rejects.toThrow(/must not call into the library/);
    const half = dill.hmake({ query: (t) => (t === dill.bsock_type ? { bsendl: () => 0 } : null), close: () => {} });
    await expect(dill.bsend(half, enc('a'), 1, soon())).rejects.toThrow(/bsendl and brecvl/);
    // The library is fine afterwards.
    const ok = bsockOf({ bsendl: () => 0 });
    expect(await dill.bsend(ok, enc('a'), 1, soon())).toBe(0);
    for (const h of [throwsSync, throwsAsync, undef, q, half, ok]) dill.hclose(h);
  });

  test('the caller\'s deadline applies even if the layer ignores it: ETIMEDOUT, its signal aborts, its library calls are canceled', async () => {
    /** A layer receiving from a fresh socket without any deadline. */
    const deafLayer = () => {
      const [s0, s1] = pair();
      const seen = { signals: [] as AbortSignal[], inner: [] as number[] };
      const h = bsockOf({
        async brecvl(iol, _deadline, signal) {
          seen.signals.push(signal);
          if (await dill.brecvl(s0, iol, -1) < 0) { seen.inner.push(dill.errno); return -1; }
          return 0;
        },
      });
      return { h, seen, close: () => { for (const x of [h, s0, s1]) dill.hclose(x); } };
    };
    const d1 = deafLayer();
    const t0 = Date.now();
    expect(await dill.brecv(d1.h, new Uint8Array(1), 1, dill.now() + 100)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    expect(d1.seen.signals[0].aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(d1.seen.inner).toEqual([dill.ECANCELED]);
    d1.close();
    // deadline 0 with nothing there: at once.
    const d2 = deafLayer();
    expect(await dill.brecv(d2.h, new Uint8Array(1), 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    d2.close();
    // A layer passing the deadline down times out from below: same errno.
    const [s0, s1] = pair();
    const x = xorLayer(s1);
    expect(await dill.brecv(x.h, new Uint8Array(1), 1, dill.now() + 50)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    for (const h of [s0, x.h]) dill.hclose(h);
  });

  test('canceling the caller (hclose of its coroutine) gives ECANCELED and cancels what it does', async () => {
    const [s0, s1] = pair();
    const x = xorLayer(s0);
    let rc = 0;
    let err = 0;
    const cr = dill.go(async () => {
      rc = await dill.brecv(x.h, new Uint8Array(4), 4, -1);
      err = dill.errno;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(x.signals.length).toBe(1);
    expect(dill.hclose(cr)).toBe(0);
    await new Promise((r) => setTimeout(r, 30));
    expect([rc, err]).toEqual([-1, dill.ECANCELED]);
    expect(x.signals[0].aborted).toBe(true);
    expect(x.innerErrno).toEqual([dill.ECANCELED]);
    dill.hclose(x.h);
    dill.hclose(s1);
  });

  test('hmake in a canceled coroutine fails with ECANCELED', async () => {
    let res: [number, number] = [0, 0];
    const cr = dill.go(async () => {
      await dill.msleep(-1);
      const h = dill.hmake({ query: () => null, close: () => {} });
      res = [h, dill.errno];
    });
    await new Promise((r) => setTimeout(r, 10));
    dill.hclose(cr);
    await new Promise((r) => setTimeout(r, 10));
    expect(res).toEqual([-1, dill.ECANCELED]);
  });

  test('layers stack: TypeScript on TypeScript, and C protocols on TypeScript (PREFIX, detach gives the same object back)', async () => {
    const [s0, s1] = pair();
    const inner = xorLayer(s0, 0x0f);
    const outer = xorLayer(inner.h, 0xf0);
    expect(await dill.bsend(outer.h, enc('AB'), 2, soon())).toBe(0);
    expect(text(xor((await brecvN(s1, 2))!, 0xff))).toBe('AB');

    // PREFIX over the TypeScript layer on one side, over the plain socket
    // XORed by hand... simpler: PREFIX over xor layers on both sides.
    const [t0, t1] = pair();
    const a = xorLayer(t0, 0x33);
    const b = xorLayer(t1, 0x33);
    const pa = dill.prefix_attach(a.h, 2, 0);
    const pb = dill.prefix_attach(b.h, 2, 0);
    expect(pa).toBeGreaterThanOrEqual(0);
    expect(pb).toBeGreaterThanOrEqual(0);
    expect(await dill.msend(pa, enc('over typescript'), 15, soon())).toBe(0);
    expect(text((await mrecv(pb))!)).toBe('over typescript');
    const big = new Uint8Array(50000).map((_, i) => i * 7);
    expect(await dill.msend(pb, big, big.length, soon())).toBe(0);
    expect(Buffer.compare((await mrecv(pa, 60000))!, big)).toBe(0);
    const [da, db] = [dill.prefix_detach(pa), dill.prefix_detach(pb)];
    expect(dill.hquery(da, XOR_TYPE)).toBe(a);
    expect(dill.hquery(db, XOR_TYPE)).toBe(b);
    expect(await dill.bsend(da, enc('raw'), 3, soon())).toBe(0);
    expect(text((await brecvN(db, 3))!)).toBe('raw');
    expect(a.closes + b.closes).toBe(0);
    for (const h of [outer.h, s1, da, db]) expect(dill.hclose(h)).toBe(0);
    expect([inner.closes, outer.closes, a.closes, b.closes]).toEqual([1, 1, 1, 1]);
  });
});

describe('a message socket written in TypeScript', () => {
  test('msend, msendl, mrecv, mrecvl; EMSGSIZE for a message larger than the buffers; zero-length messages', async () => {
    const [s0, s1] = pair();
    const a = sizedLayer(s0);
    const b = sizedLayer(s1);
    expect(await dill.msend(a, enc('hello'), 5, soon())).toBe(0);
    expect(text((await mrecv(b))!)).toBe('hello');
    expect(await dill.msendl(a, [enc('ab'), enc('cde')], soon())).toBe(0);
    const p1 = new Uint8Array(1);
    const p2 = new Uint8Array(8);
    expect(await dill.mrecvl(b, [p1, { base: null, len: 1 }, p2], soon())).toBe(5);
    expect([text(p1), text(p2.subarray(0, 3))]).toEqual(['a', 'cde']);
    expect(await dill.msend(a, null, 0, soon())).toBe(0);
    expect(await dill.mrecv(b, null, 0, soon())).toBe(0);
    expect(await dill.msend(a, enc('too long'), 8, soon())).toBe(0);
    expect(await mrecv(b, 4)).toBeNull();
    expect(dill.errno).toBe(dill.EMSGSIZE);
    // Not a bytestream.
    expect(await dill.bsend(a, enc('x'), 1, soon())).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    dill.hclose(a);
    dill.hclose(b);
  });

  test('an mrecvl answering more bytes than the caller\'s buffers hold fails with EMSGSIZE', async () => {
    const liar = dill.hmake({
      query: (t) => (t === dill.msock_type ? { msendl: () => 0, mrecvl: () => 100 } : null),
      close: () => {},
    });
    const buf = new Uint8Array(10);
    expect(await dill.mrecv(liar, buf, 10, soon())).toBe(-1);
    expect(dill.errno).toBe(dill.EMSGSIZE);
    dill.hclose(liar);
  });

  test('TERM (a C protocol) over it: the terminal message ends the peer\'s receives with EPIPE', async () => {
    const [s0, s1] = pair();
    const a = dill.term_attach(sizedLayer(s0), enc('BYE'), 3);
    const b = dill.term_attach(sizedLayer(s1), enc('BYE'), 3);
    expect(await dill.msend(a, enc('one'), 3, soon())).toBe(0);
    expect(await dill.term_done(a, soon())).toBe(0);
    expect(text((await mrecv(b))!)).toBe('one');
    expect(await mrecv(b)).toBeNull();
    expect(dill.errno).toBe(dill.EPIPE);
    dill.hclose(a);
    dill.hclose(b);
  });
});

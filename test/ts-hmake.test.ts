/**
 * The protocol-author API (C's libdillimpl.h) from TypeScript, C-faithful
 * layer: hmake/hquery with handles whose query, close and bytestream or
 * message functions are written in TypeScript; the library's own functions
 * (bsend, msend, prefix_attach, term_attach...) working on them; errno,
 * deadlines, cancellation and exceptions crossing between the two.
 *
 * It loads the built package (dist/, made by `make build`).
 */
import { load, Dill, DillError, CustomByteStream, CustomMessageSocket } from '../dist/index';
import type { BsockVfs, ByteStream, ByteStreamImpl, CApi, HVfs, ImplIoVec, LayerCallOptions, MessageSocketImpl, MsockVfs } from '../dist/index';

let dill: CApi;
let d: Dill;

beforeAll(async () => {
  dill = await load();
  d = new Dill(dill);
});

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const soon = (): number => dill.now() + 5000;

/** Two connected IPC sockets. */
function pair(): [number, number] {
  const s = [0, 0];
  expect(dill.ipc_pair(s)).toBe(0);
  return [s[0], s[1]];
}

/** Exactly `n` raw bytes from a bytestream (null with errno on failure). */
async function brecvN(h: number, n: number, deadline = soon()): Promise<Uint8Array | null> {
  const b = new Uint8Array(n);
  return (await dill.brecv(h, b, n, deadline)) === 0 ? b : null;
}

/** One message (null with errno on failure). */
async function mrecv(h: number, size = 1024, deadline = soon()): Promise<Uint8Array | null> {
  const buf = new Uint8Array(size);
  const n = await dill.mrecv(h, buf, size, deadline);
  return n < 0 ? null : buf.slice(0, n);
}

const xor = (b: Uint8Array, key: number): Uint8Array => b.map((x) => x ^ key);

/** A type of our own for hquery. */
const XOR_TYPE = Symbol('xor layer');

interface Layer {
  h: number;
  closes: number;
  vfs: BsockVfs;
  /** What the layer's functions saw: their signals, and their own calls' errno. */
  signals: AbortSignal[];
  innerErrno: number[];
}

/**
 * A bytestream layer written in TypeScript: every byte XORed with `key`
 * over the bytestream `lower`, which it owns (closed by its close).
 */
function xorLayer(lower: number, key = 0x5a): Layer {
  const layer: Layer = { h: -1, closes: 0, vfs: null as unknown as BsockVfs, signals: [], innerErrno: [] };
  layer.vfs = {
    async bsendl(iol: ImplIoVec[], deadline: number, signal: AbortSignal) {
      layer.signals.push(signal);
      const out = iol.map((v) => (v instanceof Uint8Array ? xor(v, key) : new Uint8Array(v.len)));
      const rc = await dill.bsendl(lower, out, deadline);
      if (rc < 0) layer.innerErrno.push(dill.errno);
      return rc;
    },
    async brecvl(iol: ImplIoVec[], deadline: number, signal: AbortSignal) {
      layer.signals.push(signal);
      const rc = await dill.brecvl(lower, iol, deadline);
      if (rc < 0) { layer.innerErrno.push(dill.errno); return -1; }
      for (const v of iol) if (v instanceof Uint8Array) v.set(xor(v, key));
      return 0;
    },
  };
  const vfs: HVfs = {
    query: (type) => (type === dill.bsock_type ? layer.vfs : type === XOR_TYPE ? layer : null),
    close: () => { layer.closes++; dill.hclose(lower); },
  };
  layer.h = dill.hmake(vfs);
  expect(layer.h).toBeGreaterThanOrEqual(0);
  return layer;
}

/**
 * A message layer written in TypeScript: each message preceded by its
 * 2-byte big-endian size, over the bytestream `lower`.
 */
function sizedLayer(lower: number): number {
  const m: MsockVfs = {
    msendl(iol: ImplIoVec[], deadline: number) {
      const body = Buffer.concat(iol.map((v) => (v instanceof Uint8Array ? v : new Uint8Array(v.len))));
      if (body.length > 0xffff) { dill.errno = dill.EMSGSIZE; return -1; }
      const hdr = new Uint8Array([body.length >> 8, body.length & 0xff]);
      return dill.bsendl(lower, [hdr, body], deadline);
    },
    async mrecvl(iol: ImplIoVec[], deadline: number) {
      const hdr = new Uint8Array(2);
      if (await dill.brecv(lower, hdr, 2, deadline) < 0) return -1;
      const n = (hdr[0] << 8) | hdr[1];
      const body = new Uint8Array(n);
      if (n > 0 && await dill.brecv(lower, body, n, deadline) < 0) return -1;
      const room = iol.reduce((k, v) => k + (v instanceof Uint8Array ? v.byteLength : v.len), 0);
      if (n > room) { dill.errno = dill.EMSGSIZE; return -1; }
      let off = 0;
      for (const v of iol) {
        const len = v instanceof Uint8Array ? v.byteLength : v.len;
        if (v instanceof Uint8Array) v.set(body.subarray(off, off + len));
        off += len;
      }
      return n;
    },
  };
  const h = dill.hmake({ query: (t) => (t === dill.msock_type ? m : null), close: () => { dill.hclose(lower); } });
  expect(h).toBeGreaterThanOrEqual(0);
  return h;
}

/** A handle whose bytestream functions are `b` (the other one does nothing; its close neither). */
function bsockOf(b: Partial<BsockVfs>): number {
  const vfs = { bsendl: () => 0, brecvl: () => 0, ...b };
  const h = dill.hmake({ query: (t) => (t === dill.bsock_type ? vfs : null), close: () => {} });
  expect(h).toBeGreaterThanOrEqual(0);
  return h;
}

describe('hmake and hquery', () => {
  test('hmake: null or no query/close is EINVAL (as C\'s NULL), anything else not an object a TypeError', () => {
    expect(dill.hmake(null)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.hmake({} as HVfs)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.hmake({ query: () => null } as unknown as HVfs)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.hmake({ close: () => {} } as unknown as HVfs)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(() => dill.hmake('vfs' as unknown as HVfs)).toThrow(TypeError);
    expect(() => dill.hquery('1' as unknown as number, dill.bsock_type)).toThrow(TypeError);
    expect(dill.dill_hmake).toBe(dill.hmake);
    expect(dill.dill_bsock_type).toBe(dill.bsock_type);
    expect(dill.bsock_type).not.toBe(dill.msock_type);
  });

  test('distinct handles; hquery answers with what query returns, ENOTSUP for null, EBADF for no handle', () => {
    const seen: unknown[] = [];
    const mine = { name: 'mine' };
    const vfs: HVfs = { query: (t) => { seen.push(t); return t === XOR_TYPE ? mine : null; }, close: () => {} };
    const a = dill.hmake(vfs);
    const b = dill.hmake(vfs);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).not.toBe(a);
    expect(dill.hquery(a, XOR_TYPE)).toBe(mine);
    expect(seen).toEqual([XOR_TYPE]);
    expect(dill.hquery(a, 'other')).toBeNull();
    expect(dill.errno).toBe(dill.ENOTSUP);
    // query may set errno itself.
    const c = dill.hmake({ query: () => { dill.errno = dill.EPROTO; return null; }, close: () => {} });
    expect(dill.hquery(c, XOR_TYPE)).toBeNull();
    expect(dill.errno).toBe(dill.EPROTO);
    for (const h of [a, b, c]) expect(dill.hclose(h)).toBe(0);
    expect(dill.hquery(a, XOR_TYPE)).toBeNull();
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.hquery(123456, XOR_TYPE)).toBeNull();
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.hquery(-1, dill.bsock_type)).toBeNull();
    expect(dill.errno).toBe(dill.EBADF);
  });

  test('hquery of a handle made in C: the address of a C interface, ENOTSUP for others and for TypeScript types', () => {
    const [s0, s1] = pair();
    const p = dill.hquery(s0, dill.bsock_type);
    expect(typeof p).toBe('number');
    expect(p).toBeGreaterThan(0);
    expect(dill.hquery(s0, dill.msock_type)).toBeNull();
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(dill.hquery(s0, XOR_TYPE)).toBeNull();
    expect(dill.errno).toBe(dill.ENOTSUP);
    dill.hclose(s0);
    dill.hclose(s1);
  });

  test('hclose runs close once (it may close what the object holds); hown moves the object without closing it', async () => {
    const [s0, s1] = pair();
    const x = xorLayer(s0);
    const h2 = dill.hown(x.h);
    expect(h2).toBeGreaterThanOrEqual(0);
    expect(dill.hquery(x.h, XOR_TYPE)).toBeNull();
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.hquery(h2, XOR_TYPE)).toBe(x);
    expect(x.closes).toBe(0);
    expect(await dill.bsend(h2, enc('hi'), 2, soon())).toBe(0);
    expect(text(xor((await brecvN(s1, 2))!, 0x5a))).toBe('hi');
    expect(dill.hclose(h2)).toBe(0);
    expect(x.closes).toBe(1);
    // Its close closed the socket it held.
    expect(dill.hclose(s0)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.hclose(h2)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(x.closes).toBe(1);
    dill.hclose(s1);
  });
});

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

describe('idiomatic: sockets written in TypeScript', () => {
  /** An XOR layer over an idiomatic bytestream, with a done() of its own. */
  class XorImpl implements ByteStreamImpl {
    closes = 0;
    signals: AbortSignal[] = [];
    constructor(readonly lower: ByteStream, readonly key = 0x5a) {}
    async send(data: Uint8Array, opts: LayerCallOptions) {
      this.signals.push(opts.signal);
      await this.lower.send(xor(data, this.key), opts);
    }
    async recv(buf: Uint8Array, opts: LayerCallOptions) {
      this.signals.push(opts.signal);
      await this.lower.recvInto(buf, opts);
      buf.set(xor(buf, this.key));
    }
    async done(opts: LayerCallOptions) { await this.lower.done(opts); }
    close() { this.closes++; this.lower.close(); }
    query(type: unknown) { return type === XOR_TYPE ? this : null; }
  }

  test('a ByteStream like the others: send, recv, chunks, done (the peer gets EPIPE), query, close once', async () => {
    const [l0, l1] = d.ipcPair();
    const impl = new XorImpl(l0);
    const x = d.byteStream(impl);
    expect(x).toBeInstanceOf(CustomByteStream);
    expect(x.query(XOR_TYPE)).toBe(impl);
    expect(typeof x.query(dill.bsock_type)).toBe('object');
    expect(() => x.query('nothing')).toThrow(expect.objectContaining({ code: 'ENOTSUP', syscall: 'hquery' }));
    await x.send('hello');
    expect(text(xor(await l1.recv(5), 0x5a))).toBe('hello');
    await l1.send(xor(enc('world'), 0x5a));
    expect(text(await x.recv(5))).toBe('world');
    // The C-faithful calls on its handle take the same path.
    expect(await dill.bsend(x.handle, enc('C'), 1, soon())).toBe(0);
    expect(text(xor(await l1.recv(1), 0x5a))).toBe('C');
    await l1.send(xor(enc('chunked'), 0x5a));
    await l1.done();
    const got: string[] = [];
    for await (const c of x) got.push(text(c));
    expect(got.join('')).toBe('chunked');
    await x.done();
    await expect(l1.recv(1)).rejects.toMatchObject({ code: 'EPIPE' });
    x.close();
    x.close();
    expect(impl.closes).toBe(1);
    expect(l0.closed).toBe(true);
    l1.close();
  });

  test('errors: DillErrors from below pass through with their errno, aborting the caller\'s signal cancels the layer\'s calls', async () => {
    const [l0, l1] = d.ipcPair();
    const impl = new XorImpl(l0);
    const x = d.byteStream(impl);
    const ac = new AbortController();
    const p = x.recv(4, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'brecv' });
    expect(impl.signals[0].aborted).toBe(true);
    // As below: a canceled receive leaves the socket unable to receive.
    await expect(x.recv(1)).rejects.toMatchObject({ code: 'ECONNRESET' });
    x.close();
    l1.close();
    const [m0, m1] = d.ipcPair();
    const y = d.byteStream(new XorImpl(m0));
    await expect(y.recv(1, { deadline: d.now() + 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    m1.close();
    await expect(y.send('after')).rejects.toMatchObject({ code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/) });
    y.close();
    // An exception that is not a DillError reaches the caller as it is.
    const boom = new RangeError('boom');
    const bad = d.byteStream({ send: () => { throw boom; }, recv: () => {}, close: () => {} });
    await expect(bad.send('x')).rejects.toBe(boom);
    // No done() of its own: ENOTSUP.
    await expect(bad.done()).rejects.toMatchObject({ code: 'ENOTSUP' });
    bad.close();
    expect(() => d.byteStream({ send: () => {}, close: () => {} } as unknown as ByteStreamImpl)).toThrow(/impl.recv/);
  });

  test('protocols attach on it: PREFIX over the layer, detach gives a CustomByteStream with the same implementation', async () => {
    const [l0, l1] = d.ipcPair();
    const a = d.byteStream(new XorImpl(l0, 0x11));
    const b = d.byteStream(new XorImpl(l1, 0x11));
    const pa = a.attachPrefix(4);
    const pb = b.attachPrefix(4);
    await pa.send('framed');
    expect(text(await pb.recv())).toBe('framed');
    const [da, db] = await Promise.all([pa.detach(), pb.detach()]);
    expect(da).toBeInstanceOf(CustomByteStream);
    expect(da.impl).toBe(a.impl);
    await db.send('plain again');
    expect(text(await da.recv(11))).toBe('plain again');
    da.close();
    db.close();
  });

  /** Messages each preceded by a 2-byte size, over an idiomatic bytestream. */
  class SizedImpl implements MessageSocketImpl {
    constructor(readonly lower: ByteStream) {}
    async send(msg: Uint8Array, opts: LayerCallOptions) {
      await this.lower.send(Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg]), opts);
    }
    async recv(opts: LayerCallOptions & { maxSize: number }) {
      const hdr = await this.lower.recv(2, opts);
      return this.lower.recv((hdr[0] << 8) | hdr[1], opts);
    }
    close() { this.lower.close(); }
  }

  test('a MessageSocket like the others: send, recv (EMSGSIZE past its size), iteration, TERM on it', async () => {
    const [l0, l1] = d.ipcPair();
    const a = d.messageSocket(new SizedImpl(l0));
    const b = d.messageSocket(new SizedImpl(l1));
    expect(a).toBeInstanceOf(CustomMessageSocket);
    await a.send('one');
    await a.send('');
    expect(text(await b.recv())).toBe('one');
    expect((await b.recv()).length).toBe(0);
    await a.send('too long for it');
    await expect(b.recv({ size: 4 })).rejects.toMatchObject({ code: 'EMSGSIZE', syscall: 'mrecv' });
    const ta = a.attachTerm('END');
    const tb = b.attachTerm('END');
    await ta.send('last');
    await ta.done();
    const got: string[] = [];
    for await (const m of tb) got.push(text(m));
    expect(got).toEqual(['last']);
    ta.close();
    tb.close();
  });
});

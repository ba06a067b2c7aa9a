/**
 * Channels carry JavaScript values, and choose picks one operation:
 * - `d.channel<T>()` gives two ValueChannel ends; a value arrives as the
 *   very value sent (same identity: objects, functions, Maps, class
 *   instances), in order; done() (EPIPE), for await, closing, deadlines,
 *   timeouts and signals behave as for byte channels;
 * - `d.choose(clauses, opts)` runs the first ready of several sends and
 *   receives, value and byte channels mixed, and fails as C's choose
 *   (ETIMEDOUT, EPIPE, EMSGSIZE, EBADF, ECANCELED; a signal's reason);
 * - a value whose send did not happen (failed send, a choose clause that
 *   did not run) is not kept: the garbage collector reclaims it;
 * - closing a bundle cancels a coroutine blocked in recv or choose.
 */
import { Channel, DillError, ValueChannel } from '../dist/index';
import { PACKAGE_INDEX, failure, runPackageScript, stillPending, text } from './helpers';
import { d, loadInstance } from './instance';

loadInstance();

class Point {
  constructor(readonly x: number, readonly y: number) {}
  norm(): number { return Math.hypot(this.x, this.y); }
}

describe('value channels', () => {
  test('a value arrives as the same value: objects, functions, Maps, class instances, primitives, in order', async () => {
    const [tx, rx] = d.channel<unknown>();
    expect(tx).toBeInstanceOf(ValueChannel);
    expect(rx).toBeInstanceOf(ValueChannel);
    const obj = { nested: { deep: [1, 2, 3] } };
    const fn = (n: number): number => n * 2;
    const map = new Map<string, object>([['k', obj]]);
    const pt = new Point(3, 4);
    const arr = [obj, fn];
    const sent: unknown[] = [obj, fn, map, pt, arr, 42, 'text', null, undefined, 10n, Symbol.iterator];
    const sender = d.go(async () => {
      for (const v of sent) await tx.send(v);
      tx.done();
    });
    const got: unknown[] = [];
    for await (const v of rx) got.push(v);
    await sender.wait();
    sender.close();
    expect(got).toHaveLength(sent.length);
    got.forEach((v, i) => expect(v).toBe(sent[i]));
    expect((got[1] as typeof fn)(21)).toBe(42);
    expect((got[2] as Map<string, object>).get('k')).toBe(obj);
    expect(got[3]).toBeInstanceOf(Point);
    expect((got[3] as Point).norm()).toBe(5);
    // Mutations after receipt are seen by the sender: nothing was copied.
    (got[0] as typeof obj).nested.deep.push(4);
    expect(obj.nested.deep).toEqual([1, 2, 3, 4]);
    tx.close();
    rx.close();
  });

  test('both ends send and receive; recv waits for a sender and send for a receiver', async () => {
    const [a, b] = d.channel<{ n: number }>();
    const r = b.recv();
    expect(await stillPending(r)).toBe(true);
    const one = { n: 1 };
    await a.send(one);
    expect(await r).toBe(one);
    const s = b.send({ n: 2 });
    expect(await stillPending(s)).toBe(true);
    expect(await a.recv()).toEqual({ n: 2 });
    await s;
    a.close();
    b.close();
  });

  test('done(): the peer receives what was sent before, then EPIPE; sending after done() fails with EPIPE', async () => {
    const [a, b] = d.channel<string>();
    const s = a.send('last');
    a.done();
    // A send already waiting when done() is called fails with EPIPE, as in C.
    expect(await failure(s)).toMatchObject({ code: 'EPIPE', syscall: 'chsend' });
    expect(await failure(b.recv())).toMatchObject({ code: 'EPIPE', syscall: 'chrecv' });
    expect(await failure(a.send('more'))).toMatchObject({ code: 'EPIPE', syscall: 'chsend' });
    expect(() => a.done()).toThrow(DillError);
    // The other direction still works.
    const back = b.send('back');
    expect(await a.recv()).toBe('back');
    await back;
    a.close();
    b.close();
  });

  test('for await ends quietly when the end is closed while it waits', async () => {
    const [a, b] = d.channel<number>();
    const got: number[] = [];
    const loop = (async () => { for await (const v of b) got.push(v); })();
    await a.send(1);
    await a.send(2);
    b.close();
    await loop;
    expect(got).toEqual([1, 2]);
    // Explicit calls on the closed end fail with EBADF.
    expect(await failure(b.recv())).toMatchObject({ code: 'EBADF', syscall: 'chrecv' });
    expect(await failure(b.send(3))).toMatchObject({ code: 'EBADF', syscall: 'chsend' });
    a.close();
  });

  test('deadline and timeout: ETIMEDOUT, and the channel is used again as before', async () => {
    const [a, b] = d.channel<object>();
    expect(await failure(b.recv({ deadline: d.now() + 20 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'chrecv' });
    expect(await failure(b.recv({ timeout: 20 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'chrecv' });
    expect(await failure(a.send({}, { timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'chsend' });
    await expect(b.recv({ timeout: -1 })).rejects.toThrow(TypeError);
    const o = {};
    const s = a.send(o);
    expect(await b.recv({ timeout: 1000 })).toBe(o);
    await s;
    a.close();
    b.close();
  });

  test('a timed-out send is not delivered later: the next receive gets the next value', async () => {
    const [a, b] = d.channel<string>();
    expect(await failure(a.send('lost', { timeout: 10 }))).toMatchObject({ code: 'ETIMEDOUT' });
    const s = a.send('kept');
    expect(await b.recv()).toBe('kept');
    await s;
    expect(await failure(b.recv({ timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT' });
    a.close();
    b.close();
  });

  test('aborting a signal rejects recv and send with its reason', async () => {
    const [a, b] = d.channel<number>();
    const ac = new AbortController();
    const r = b.recv({ signal: ac.signal });
    const s = a.send(1, { signal: ac.signal });
    // The pending recv takes the value at once: abort a fresh one.
    expect(await r).toBe(1);
    await s;
    const r2 = b.recv({ signal: ac.signal });
    ac.abort();
    await expect(r2).rejects.toBe(ac.signal.reason);
    await expect(a.send(2, { signal: ac.signal })).rejects.toBe(ac.signal.reason);
    a.close();
    b.close();
  });

  test('d.channel({ messageSize }) still gives byte Channels', async () => {
    const [a, b] = d.channel({ messageSize: 2 });
    expect(a).toBeInstanceOf(Channel);
    expect(a).not.toBeInstanceOf(ValueChannel);
    const s = a.send(Uint8Array.of(1, 2));
    expect(Array.from(await b.recv())).toEqual([1, 2]);
    await s;
    a.close();
    b.close();
  });
});

describe('choose', () => {
  test('picks the ready clause among several: value and byte, in and out, mixed', async () => {
    const [vtx, vrx] = d.channel<Point>();
    const [btx, brx] = d.channel({ messageSize: 3 });
    const [otx, orx] = d.channel<Map<string, number>>();
    const [ptx, prx] = d.channel({ messageSize: 2 });

    // A value is waiting to be received.
    const pt = new Point(1, 2);
    const sending = vtx.send(pt);
    const m = new Map([['a', 1]]);
    const r1 = await d.choose([{ in: brx }, { in: vrx }, { out: otx, value: m }, { out: ptx, data: Uint8Array.of(9, 9) }], { timeout: 1000 });
    expect(r1.index).toBe(1);
    expect(r1.value).toBe(pt);
    await sending;
    // The out clauses did not run: nothing was sent.
    expect(await failure(orx.recv({ timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT' });
    expect(await failure(prx.recv({ timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT' });

    // Bytes are waiting.
    const bsending = btx.send(Uint8Array.of(7, 8, 9));
    const r2 = await d.choose([{ in: vrx }, { in: brx }], { timeout: 1000 });
    expect(r2.index).toBe(1);
    expect(Array.from(r2.value as Uint8Array)).toEqual([7, 8, 9]);
    await bsending;

    // A receiver is waiting for a value.
    const receiving = orx.recv();
    const r3 = await d.choose([{ in: vrx }, { in: brx }, { out: otx, value: m }], { timeout: 1000 });
    expect(r3).toEqual({ index: 2, value: undefined });
    expect(await receiving).toBe(m);

    // A receiver is waiting for bytes.
    const breceiving = prx.recv();
    const r4 = await d.choose([{ in: vrx }, { out: ptx, data: Uint8Array.of(4, 2) }]);
    expect(r4.index).toBe(1);
    expect(Array.from(await breceiving)).toEqual([4, 2]);

    for (const c of [vtx, vrx, btx, brx, otx, orx, ptx, prx]) c.close();
  });

  test('waits until a clause is ready; if several are, the first in the array runs', async () => {
    const [a, b] = d.channel<string>();
    const [c, e] = d.channel<string>();
    const later = d.go(async () => {
      await d.sleep({ timeout: 20 });
      await c.send('from c');
    });
    const r = await d.choose([{ in: b }, { in: e }], { timeout: 2000 });
    expect(r).toEqual({ index: 1, value: 'from c' });
    await later.wait();
    later.close();

    const s1 = a.send('from a');
    const s2 = c.send('from c again');
    const first = await d.choose([{ in: e }, { in: b }]);
    expect(first).toEqual({ index: 0, value: 'from c again' });
    const second = await d.choose([{ in: e }, { in: b }]);
    expect(second).toEqual({ index: 1, value: 'from a' });
    await Promise.all([s1, s2]);
    for (const ch of [a, b, c, e]) ch.close();
  });

  test('deadline and timeout: ETIMEDOUT; the values of its out clauses are not sent', async () => {
    const [a, b] = d.channel<object>();
    const [c, e] = d.channel({ messageSize: 1 });
    expect(await failure(d.choose([{ in: b }, { in: e }], { deadline: d.now() + 20 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'choose' });
    expect(await failure(d.choose([{ in: b }], { timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'choose' });
    // Nobody receives from a: its out clause times out too.
    expect(await failure(d.choose([{ out: b, value: { lost: true } }, { out: c, data: Uint8Array.of(1) }], { timeout: 10 })))
      .toMatchObject({ code: 'ETIMEDOUT', syscall: 'choose' });
    expect(await failure(a.recv({ timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT' });
    // No clauses: waits until the deadline, as in C.
    expect(await failure(d.choose([], { timeout: 10 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'choose' });
    await expect(d.choose([{ in: b }], { timeout: NaN })).rejects.toThrow(TypeError);
    for (const ch of [a, b, c, e]) ch.close();
  });

  test('a signal: aborting rejects with its reason; one already aborted rejects at once', async () => {
    const [a, b] = d.channel<number>();
    const ac = new AbortController();
    const p = d.choose([{ in: b }, { out: b, value: 1 }], { signal: ac.signal });
    expect(await stillPending(p)).toBe(true);
    ac.abort();
    await expect(p).rejects.toBe(ac.signal.reason);
    const reason = new Error('stop');
    await expect(d.choose([{ in: b }], { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    // The channel is used again as before; the value of the aborted out clause was not sent.
    expect(await failure(a.recv({ timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT' });
    const s = a.send(5);
    expect(await d.choose([{ in: b }], { signal: new AbortController().signal })).toEqual({ index: 0, value: 5 });
    await s;
    a.close();
    b.close();
  });

  test('fails as C\'s choose: EPIPE after done(), EMSGSIZE, EBADF for a closed end; TypeError for a bad clause', async () => {
    const [a, b] = d.channel<number>();
    const [c, e] = d.channel({ messageSize: 3 });
    a.done();
    expect(await failure(d.choose([{ in: b }]))).toMatchObject({ code: 'EPIPE', syscall: 'choose' });
    expect(await failure(d.choose([{ out: a, value: 1 }]))).toMatchObject({ code: 'EPIPE', syscall: 'choose' });

    const s = c.send(Uint8Array.of(1, 2));
    expect(await failure(d.choose([{ in: e }]))).toMatchObject({ code: 'EMSGSIZE', syscall: 'choose' });
    expect(await failure(s)).toMatchObject({ code: 'EMSGSIZE', syscall: 'chsend' });
    const s2 = c.send(Uint8Array.of(1, 2));
    expect(Array.from((await d.choose([{ in: e, size: 2 }])).value)).toEqual([1, 2]);
    await s2;

    const [x, y] = d.channel<number>();
    y.close();
    expect(await failure(d.choose([{ in: b }, { in: y }]))).toMatchObject({ code: 'EBADF', syscall: 'choose' });
    const choose = d.choose.bind(d) as (clauses: unknown, opts?: unknown) => Promise<unknown>;
    await expect(choose([{ in: 42 }])).rejects.toThrow(TypeError);
    await expect(choose([{ in: b, out: b }])).rejects.toThrow(TypeError);
    await expect(choose([{ out: c, value: 1 }])).rejects.toThrow(/data/);
    await expect(choose('nope')).rejects.toThrow(TypeError);
    for (const ch of [a, b, c, e, x]) ch.close();
  });

  test('closing one of its channel ends cancels a pending choose (ECANCELED)', async () => {
    const [a, b] = d.channel<number>();
    const [c, e] = d.channel({ messageSize: 1 });
    const p = d.choose([{ in: e }, { in: b }]);
    expect(await stillPending(p)).toBe(true);
    b.close();
    expect(await failure(p)).toMatchObject({ code: 'ECANCELED', syscall: 'choose' });
    for (const ch of [a, c, e]) ch.close();
  });
});

describe('bundles', () => {
  test('closing a bundle cancels a coroutine blocked in recv or choose (ECANCELED)', async () => {
    const [a, b] = d.channel<string>();
    const [c, e] = d.channel({ messageSize: 4 });
    const [f, g] = d.channel<string>();
    const bundle = d.bundle();
    const inRecv = bundle.go(() => b.recv());
    const inChoose = bundle.go(() => d.choose([{ in: b }, { in: e }, { out: f, value: 'unsent' }]));
    const inIter = bundle.go(async () => { const got: string[] = []; for await (const v of b) got.push(v); return got; });
    await d.sleep({ timeout: 20 });
    expect(await stillPending(inChoose, 5)).toBe(true);
    bundle.close();
    expect(await failure(inRecv)).toMatchObject({ code: 'ECANCELED', syscall: 'chrecv' });
    expect(await failure(inChoose)).toMatchObject({ code: 'ECANCELED', syscall: 'choose' });
    expect(await failure(inIter)).toMatchObject({ code: 'ECANCELED', syscall: 'chrecv' });
    // The channels are intact; the out clause's value was not sent.
    expect(await failure(g.recv({ timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT' });
    const s = a.send('after');
    expect(await b.recv()).toBe('after');
    await s;
    const s2 = c.send(Uint8Array.from(Buffer.from('ok!!')));
    expect(text(await e.recv())).toBe('ok!!');
    await s2;
    for (const ch of [a, b, c, e, f, g]) ch.close();
  });
});

describe('what is not sent is not kept', () => {
  test('the garbage collector reclaims a value whose send failed or whose choose clause did not run; a pending send keeps it', () => {
    // In a child process, with gc() available.
    const r = runPackageScript(`
      const gc = require('vm').runInNewContext('gc');
      const d = await Dill.load();
      const [a, b] = d.channel();
      const [c, e] = d.channel();
      const [f, g] = d.channel();
      const refs = {};
      const collected = async (name) => {
        for (let i = 0; i < 5; i++) {
          await new Promise((r) => setTimeout(r, 0));
          gc();
        }
        return refs[name].deref() === undefined;
      };
      await (async () => {
        const v = { big: new Array(1000).fill('x') };
        refs.failed = new WeakRef(v);
        await a.send(v, { timeout: 0 }).catch(() => {});
      })();
      await (async () => {
        const v = { other: 1 };
        refs.pendingThenTimedOut = new WeakRef(v);
        refs.pending = f.send(v, { timeout: 200 }).catch(() => {});
      })();
      await (async () => {
        const v = new Map();
        refs.unchosen = new WeakRef(v);
        const s = c.send('ready');
        const got = await d.choose([{ out: a, value: v }, { in: e }]);
        if (got.index !== 1 || got.value !== 'ready') throw new Error('wrong clause ' + got.index);
        await s;
      })();
      await (async () => {
        const v = () => 1;
        refs.timedOutChoose = new WeakRef(v);
        await d.choose([{ out: a, value: v }, { out: c, value: v }], { timeout: 0 }).catch(() => {});
      })();
      await (async () => {
        const v = [1, 2];
        refs.received = new WeakRef(v);
        const s = a.send(v);
        if ((await b.recv()) !== v) throw new Error('not the same value');
        await s;
      })();
      const out = {};
      out.failed = await collected('failed');
      out.pendingKept = !(await collected('pendingThenTimedOut'));
      out.unchosen = await collected('unchosen');
      out.timedOutChoose = await collected('timedOutChoose');
      out.received = await collected('received');
      await refs.pending;
      out.pendingAfterTimeout = await collected('pendingThenTimedOut');
      for (const h of [a, b, c, e, f, g]) h.close();
      console.log(JSON.stringify(out));
    `, `const { Dill } = require(${JSON.stringify(PACKAGE_INDEX)}); require('v8').setFlagsFromString('--expose-gc');`);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      failed: true, pendingKept: true, unchosen: true, timedOutChoose: true, received: true, pendingAfterTimeout: true,
    });
  });
});

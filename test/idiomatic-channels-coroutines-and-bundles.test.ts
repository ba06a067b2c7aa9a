/**
 * Channels, coroutines and bundles in the idiomatic layer: Channel
 * messages and iteration, go() and Coroutine.wait(), closing a coroutine or
 * a bundle cancels its calls, AbortSignals, and Dill.load().
 */
import { Dill, DillError, Channel, Bundle, Handle } from '../dist/index';
import { failure, stillPending, text } from './helpers';
import { d, dill as api, expectClosed, loadInstance } from './instance';

loadInstance();

describe('channels', () => {
  test('send/recv of Uint8Array messages; iteration ends at done()', async () => {
    const [tx, rx] = d.channel({ messageSize: 4 });
    expect(tx).toBeInstanceOf(Channel);
    const sender = d.go(async () => {
      for (const word of ['one ', 'two ', 'six ']) await tx.send(Buffer.from(word));
      tx.done();
    });
    const got: string[] = [];
    for await (const msg of rx) got.push(text(msg));
    expect(got).toEqual(['one ', 'two ', 'six ']);
    await sender.wait();
    expect(await failure(rx.recv())).toMatchObject({ code: 'EPIPE', syscall: 'chrecv' });
    tx.close();
    rx.close();
    sender.close();
  });

  test('sizes must match (EMSGSIZE both sides); deadlines; explicit sizes', async () => {
    const [a, b] = d.channel({ messageSize: 2 });
    const s = a.send(new Uint8Array([1, 2, 3]));
    const e = await failure(b.recv({ size: 2 }));
    expect(e).toMatchObject({ code: 'EMSGSIZE', syscall: 'chrecv' });
    expect(await failure(s)).toMatchObject({ code: 'EMSGSIZE', syscall: 'chsend' });
    const ok = a.send(new Uint8Array([7, 8]));
    expect(Array.from(await b.recv({ size: 2 }))).toEqual([7, 8]);
    await ok;
    expect(await failure(b.recv({ size: 1, deadline: d.now() + 20 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'chrecv' });
    // recv() without a size takes the channel's messageSize.
    const two = a.send(new Uint8Array([5, 6]));
    expect(Array.from(await b.recv())).toEqual([5, 6]);
    await two;
    a.close();
    b.close();
  });
});

describe('coroutines and bundles', () => {
  test('go(): wait() gives the result or throws the exception', async () => {
    const co = d.go(async () => {
      await d.sleep(d.now() + 5);
      return 42;
    });
    expect(co).toBeInstanceOf(Handle);
    expect(await co.wait()).toBe(42);
    co.close();
    const bad = d.go(async () => { throw new Error('boom'); });
    await expect(bad.wait()).rejects.toThrow('boom');
    bad.close();
  });

  test('closing a coroutine cancels its pending and later calls', async () => {
    const [tx, rx] = d.channel({ messageSize: 1 });
    const codes: string[] = [];
    const co = d.go(async () => {
      for (const op of [() => rx.recv(), () => d.sleep(-1), () => d.yield()]) {
        try { await op(); } catch (e) { codes.push((e as DillError).code); }
      }
      return codes;
    });
    await d.sleep(d.now() + 10);
    const num = co.handle;
    co.close();
    expect(await co.result).toEqual(['ECANCELED', 'ECANCELED', 'ECANCELED']);
    expectClosed(num);
    // Only the coroutine's calls were canceled: the channel works.
    const r = rx.recv();
    await tx.send(new Uint8Array([5]));
    expect(Array.from(await r)).toEqual([5]);
    tx.close();
    rx.close();
  });

  test('bundle: wait with a deadline, then close cancels the coroutines still running', async () => {
    const b = d.bundle();
    expect(b).toBeInstanceOf(Bundle);
    const [tx, rx] = d.channel({ messageSize: 1 });
    const quick = b.go(async () => 'quick');
    const stuck1 = b.go(() => rx.recv());
    const stuck2 = b.go(async () => { await d.sleep(-1); });
    expect(await quick).toBe('quick');
    const e = await failure(b.wait({ deadline: d.now() + 30 }));
    expect(e).toMatchObject({ code: 'ETIMEDOUT', syscall: 'bundle_wait' });
    const num = b.handle;
    b.close();
    expect(await failure(stuck1)).toMatchObject({ code: 'ECANCELED', syscall: 'chrecv' });
    expect(await failure(stuck2)).toMatchObject({ code: 'ECANCELED', syscall: 'msleep' });
    expectClosed(num);
    expect(() => b.go(async () => 1)).toThrow(DillError);
    tx.close();
    rx.close();
  });

  test('bundle.wait() waits for all and throws their exceptions (AggregateError for several)', async () => {
    await using b = d.bundle();
    const order: number[] = [];
    for (const ms of [20, 5, 10]) b.go(async () => { await d.sleep(d.now() + ms); order.push(ms); });
    await b.wait();
    expect(order).toEqual([5, 10, 20]);
    b.go(async () => { throw new Error('first'); });
    b.go(async () => { await d.sleep(d.now() + 5); throw new Error('second'); });
    const e = await b.wait().then(() => null, (x: unknown) => x as AggregateError);
    expect(e?.name).toBe('AggregateError');
    expect(e?.errors.map((x: Error) => x.message)).toEqual(['first', 'second']);
    b.go(async () => { throw new Error('alone'); });
    await expect(b.wait()).rejects.toThrow('alone');
    await b.wait();                         // errors are reported once
  });

  test('an abort signal cancels bundle.wait() and sleep()', async () => {
    const b = d.bundle();
    b.go(() => d.sleep(-1));
    const ac = new AbortController();
    const w = b.wait({ signal: ac.signal });
    const s = d.sleep(-1, { signal: ac.signal });
    expect(await stillPending(w, 10)).toBe(true);
    ac.abort();
    // Rejected with the signal's reason, as Node's APIs do.
    await expect(w).rejects.toMatchObject({ name: 'AbortError' });
    await expect(s).rejects.toBe(ac.signal.reason);
    b.close();
  });

  test('Dill.load() makes an instance of its own', async () => {
    const d2 = await Dill.load();
    expect(d2.api).not.toBe(api);
    const [a, b] = d2.ipcPair();
    await a.send('hi');
    expect(text(await b.recv(2))).toBe('hi');
    a.close();
    b.close();
  });
});

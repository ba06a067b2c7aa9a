/**
 * Aborting a call's AbortSignal rejects it with the signal's reason, as
 * Node's APIs do (fs.promises, timers/promises, events.once):
 * `controller.abort()` -> a DOMException AbortError, AbortSignal.timeout(ms)
 * -> its TimeoutError, abort(reason) -> that reason. Closing a coroutine
 * (hclose) still gives ECANCELED.
 */
import { DillError } from '../dist/index';
import { failure, stillPending, text } from './helpers';

/** What `p` rejects with (any value: a signal's reason need not be a DillError). */
async function rejection(p: Promise<unknown>): Promise<any> {
  return p.then(() => { throw new Error('expected a rejection, the promise resolved'); }, (e: unknown) => e);
}
import { d, loadInstance, sockPath, useTempDir } from './instance';

loadInstance();
useTempDir('abortreason');

describe('aborting a signal rejects with its reason', () => {
  test('controller.abort(): a DOMException AbortError, the signal\'s reason', async () => {
    const [a, b] = d.ipcPair();
    const ac = new AbortController();
    const p = b.recv(1, { signal: ac.signal });
    expect(await stillPending(p)).toBe(true);
    ac.abort();
    const e = await rejection(p);
    expect(e).toBe(ac.signal.reason);
    expect(e).toBeInstanceOf(DOMException);
    expect(e.name).toBe('AbortError');
    expect(e).not.toBeInstanceOf(DillError);
    a.close(); b.close();
  });

  test('AbortSignal.timeout(ms): its TimeoutError', async () => {
    const [a, b] = d.ipcPair();
    const signal = AbortSignal.timeout(40);
    const t0 = performance.now();
    const e = await rejection(b.recv(1, { signal }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(30);
    expect(e).toBe(signal.reason);
    expect(e).toBeInstanceOf(DOMException);
    expect(e.name).toBe('TimeoutError');
    const s = AbortSignal.timeout(30);
    const ls = await d.ipcListen(sockPath());
    expect((await rejection(ls.accept({ signal: s }))).name).toBe('TimeoutError');
    ls.close(); a.close(); b.close();
  });

  test('abort(reason): that reason, for a pending call and for an already-aborted signal', async () => {
    const [a, b] = d.ipcPair();
    const reason = new Error('user went away');
    const ac = new AbortController();
    const [c1, c2] = d.channel({ messageSize: 4 });
    const p = c1.recv({ signal: ac.signal });
    const s = d.sleep({ timeout: 5000, signal: ac.signal });
    expect(await stillPending(p)).toBe(true);
    ac.abort(reason);
    expect(await rejection(p)).toBe(reason);
    expect(await rejection(s)).toBe(reason);
    // Already aborted: rejected at once with the reason, without entering the
    // library (b still receives).
    expect(await rejection(b.recv(1, { signal: ac.signal }))).toBe(reason);
    const str = AbortSignal.abort('plain string');
    await expect(a.send('x', { signal: str })).rejects.toBe('plain string');
    await a.send('y');
    expect(text(await b.recv(1))).toBe('y');
    for (const h of [a, b, c1, c2]) h.close();
  });

  test('a call that completes before the abort keeps its result; a later call with the same signal gets the reason', async () => {
    const [a, b] = d.ipcPair();
    const ac = new AbortController();
    await a.send('ok');
    expect(text(await b.recv(2, { signal: ac.signal }))).toBe('ok');
    ac.abort();
    expect((await rejection(b.recv(1, { signal: ac.signal }))).name).toBe('AbortError');
    a.close(); b.close();
  });

  test('closing the coroutine a call runs in still rejects with DillError ECANCELED', async () => {
    const [a, b] = d.ipcPair();
    const ac = new AbortController();
    const co = d.go(async () => { await b.recv(1, { signal: ac.signal }); });
    await d.sleep({ timeout: 10 });
    co.close();
    const e = await failure(co.result);
    expect(e).toBeInstanceOf(DillError);
    expect(e).toMatchObject({ code: 'ECANCELED', syscall: 'brecv' });
    a.close(); b.close();
  });
});

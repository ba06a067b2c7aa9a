/**
 * go/bundle_go with async functions: hclose of a coroutine or a bundle
 * cancels the library calls in it (ECANCELED, for pending and later calls);
 * bundle_wait waits for the functions to end; bundle_mem on storage.
 */
import { deferred, sleep } from './helpers';
import { chan, dill, loadInstance, pair } from './instance';

loadInstance();

describe('cancellation', () => {
  test('hclose of a go() handle: pending brecv and msleep resolve -1/ECANCELED, so do later calls', async () => {
    const [a, b] = pair();
    const ended = deferred();
    const log: [string, number, number][] = [];
    const started = deferred();
    const h = dill.go(async () => {
      const r = dill.brecv(b, Buffer.alloc(1), 1, -1);
      const m = dill.msleep(-1);
      started.resolve();
      const [rb, rm] = await Promise.all([r, m]);
      log.push(['pending brecv+msleep', rb, rm]);
      log.push(['errno', dill.errno, 0]);
      log.push(['later msleep', await dill.msleep(dill.now() + 10), dill.errno]);
      log.push(['later yield', await dill.yield(), dill.errno]);
      log.push(['later bsend', await dill.bsend(a, Buffer.from('x'), 1, -1), dill.errno]);
      log.push(['later go', dill.go(async () => {}), dill.errno]);
      ended.resolve();
    });
    expect(h).toBeGreaterThanOrEqual(0);
    await started.promise;
    await sleep(10);
    expect(log).toEqual([]);
    expect(dill.hclose(h)).toBe(0);
    await ended.promise;
    const E = dill.ECANCELED;
    expect(log).toEqual([
      ['pending brecv+msleep', -1, -1],
      ['errno', E, 0],
      ['later msleep', -1, E],
      ['later yield', -1, E],
      ['later bsend', -1, E],
      ['later go', -1, E],
    ]);
    expect(dill.hclose(h)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    // The socket the canceled brecv used is still a handle, but (brecv(3):
    // after an error) it cannot be used for receiving any more; its peer can.
    expect(await dill.brecv(b, Buffer.alloc(1), 1, dill.now() + 1000)).toBe(-1);
    expect(await dill.bsend(b, Buffer.from('y'), 1, -1)).toBe(0);
    const y = Buffer.alloc(1);
    expect(await dill.brecv(a, y, 1, dill.now() + 1000)).toBe(0);
    expect(y.toString()).toBe('y');
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('bundle_wait waits for the async functions to end (even ones that never call the library)', async () => {
    const b = dill.bundle();
    expect(b).toBeGreaterThanOrEqual(0);
    const ended: number[] = [];
    for (let i = 1; i <= 3; i++) {
      expect(dill.bundle_go(b, async () => { await dill.msleep(dill.now() + 15 * i); ended.push(i); })).toBe(0);
    }
    expect(dill.bundle_go(b, () => new Promise<void>((r) => setTimeout(() => { ended.push(4); r(); }, 60)))).toBe(0);
    // A deadline that comes first: ETIMEDOUT.
    expect(await dill.bundle_wait(b, dill.now() + 5)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(await dill.bundle_wait(b, dill.now() + 5000)).toBe(0);
    expect(ended.sort()).toEqual([1, 2, 3, 4]);
    // Empty bundle: at once, even with deadline 0.
    expect(await dill.bundle_wait(b, 0)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
    // Errors.
    expect(await dill.bundle_wait(12345, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    const [c0, c1] = chan();
    expect(await dill.bundle_wait(c0, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(dill.bundle_go(12345, async () => {})).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.bundle_go(c0, async () => {})).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(dill.hclose(c0)).toBe(0);
    expect(dill.hclose(c1)).toBe(0);
  });

  test('bundle_mem on storage("bundle_storage")', async () => {
    const st = dill.storage('bundle_storage');
    const b = dill.bundle_mem(st);
    expect(b).toBeGreaterThanOrEqual(0);
    let ran = false;
    expect(dill.bundle_go(b, async () => { await dill.msleep(dill.now() + 5); ran = true; })).toBe(0);
    expect(await dill.bundle_wait(b, dill.now() + 2000)).toBe(0);
    expect(ran).toBe(true);
    expect(dill.hclose(b)).toBe(0);
    st.free();
  });

  test('hclose of a bundle cancels every coroutine in it', async () => {
    const b = dill.bundle();
    const [c0, c1] = chan();
    const results: number[][] = [];
    const ends = [deferred(), deferred(), deferred()];
    dill.bundle_go(b, async () => { results.push([0, await dill.msleep(-1), dill.errno]); ends[0].resolve(); });
    dill.bundle_go(b, async () => {
      results.push([1, await dill.chrecv(c1, new Uint8Array(1), 1, -1), dill.errno]);
      ends[1].resolve();
    });
    dill.bundle_go(b, async () => {
      await sleep(30);                   // not in a library call when canceled
      results.push([2, await dill.msleep(dill.now() + 1), dill.errno]);
      ends[2].resolve();
    });
    await sleep(10);
    expect(results).toEqual([]);
    expect(dill.hclose(b)).toBe(0);
    await Promise.all(ends.map((e) => e.promise));
    const E = dill.ECANCELED;
    expect(results.sort((x, y) => x[0] - y[0])).toEqual([[0, -1, E], [1, -1, E], [2, -1, E]]);
    expect(await dill.bundle_wait(b, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    // The channel is intact.
    const s = dill.chsend(c0, Uint8Array.of(3), 1, -1);
    const x = new Uint8Array(1);
    expect(await dill.chrecv(c1, x, 1, dill.now() + 1000)).toBe(0);
    expect(await s).toBe(0);
    expect(x[0]).toBe(3);
    expect(dill.hclose(c0)).toBe(0);
    expect(dill.hclose(c1)).toBe(0);
  });

  test('go() inside a go() coroutine: closing the outer one cancels calls in both', async () => {
    const ends = [deferred<number[]>(), deferred<number[]>()];
    let inner = -1;
    const outer = dill.go(async () => {
      inner = dill.go(async () => { const r = await dill.msleep(-1); ends[1].resolve([r, dill.errno]); });
      const r = await dill.msleep(-1);
      ends[0].resolve([r, dill.errno]);
    });
    await sleep(10);
    expect(inner).toBeGreaterThanOrEqual(0);
    expect(dill.hclose(outer)).toBe(0);
    expect(await ends[0].promise).toEqual([-1, dill.ECANCELED]);
    // The inner coroutine's handle is owned by the outer coroutine's code, as
    // in C: closing it cancels it.
    expect(dill.hclose(inner)).toBe(0);
    expect(await ends[1].promise).toEqual([-1, dill.ECANCELED]);
  });
});

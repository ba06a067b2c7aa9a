/**
 * `dill.errno` is per coroutine: each go() coroutine, and the top level,
 * sees the errno of its own last call while others fail in between.
 */
import * as path from 'path';
import { deferred, sleep } from './helpers';
import { chan, dill, dir, loadInstance, pair, useTempDir } from './instance';

loadInstance();
useTempDir('tsapi');

describe('errno', () => {
  test('each go() coroutine sees its own errno while others fail with other errnos in between', async () => {
    const [ca, cb] = chan();
    const release = deferred();
    const failed = [deferred(), deferred(), deferred()];
    const seen: { [k: string]: number[] } = { A: [], B: [], C: [] };
    const hA = dill.go(async () => {
      expect(await dill.brecv(12345, null, 1, 0)).toBe(-1);
      seen.A.push(dill.errno);                      // EBADF
      failed[0].resolve();
      await release.promise;
      seen.A.push(dill.errno);                      // still EBADF
    });
    const hB = dill.go(async () => {
      await failed[0].promise;
      expect(await dill.chrecv(cb, new Uint8Array(1), 1, dill.now() + 10)).toBe(-1);
      seen.B.push(dill.errno);                      // ETIMEDOUT
      failed[1].resolve();
      await release.promise;
      seen.B.push(dill.errno);
    });
    const hC = dill.go(async () => {
      await failed[1].promise;
      expect(dill.chmake(null)).toBe(-1);           // a call that cannot block
      seen.C.push(dill.errno);                      // EINVAL
      failed[2].resolve();
      await release.promise;
      seen.C.push(dill.errno);
    });
    await failed[2].promise;
    // The top level fails differently, after all of them.
    expect(await dill.ipc_connect(path.join(dir, 'nobody.sock'), dill.now() + 1000)).toBe(-1);
    const top = dill.errno;
    expect(top).toBe(dill.ENOENT);
    release.resolve();
    await sleep(10);                                // the coroutines end; no library call here
    expect(dill.errno).toBe(top);
    expect(seen.A).toEqual([dill.EBADF, dill.EBADF]);
    expect(seen.B).toEqual([dill.ETIMEDOUT, dill.ETIMEDOUT]);
    expect(seen.C).toEqual([dill.EINVAL, dill.EINVAL]);
    for (const h of [hA, hB, hC]) {
      expect(await dill.bundle_wait(h, dill.now() + 2000)).toBe(0);
      expect(dill.hclose(h)).toBe(0);
    }
    expect(dill.hclose(ca)).toBe(0);
    expect(dill.hclose(cb)).toBe(0);
  });

  test('interleaved concurrent failing calls in many coroutines', async () => {
    const codes = [dill.EBADF, dill.ETIMEDOUT, dill.EFAULT, dill.ENOTSUP];
    const [p, q] = pair();
    const [c0, c1] = chan();
    const ops: (() => Promise<number>)[] = [
      () => dill.bsend(99999, Buffer.from('x'), 1, -1),                   // EBADF
      () => dill.chrecv(c1, new Uint8Array(1), 1, dill.now() + 5),        // ETIMEDOUT
      () => dill.bsend(p, null, 1, -1),                                   // EFAULT
      () => dill.chsend(p, Uint8Array.of(1), 1, 0),                       // ENOTSUP
    ];
    const bad: string[] = [];
    const b = dill.bundle();
    for (let i = 0; i < 40; i++) {
      dill.bundle_go(b, async () => {
        for (let k = 0; k < 5; k++) {
          const which = (i + k) % 4;
          expect(await ops[which]()).toBe(-1);
          await sleep(i % 3);            // let the others fail in between
          if (dill.errno !== codes[which]) bad.push(`coroutine ${i} step ${k}: ${dill.errno} != ${codes[which]}`);
        }
      });
    }
    expect(await dill.bundle_wait(b, dill.now() + 10000)).toBe(0);
    expect(bad).toEqual([]);
    for (const h of [b, p, q, c0, c1]) expect(dill.hclose(h)).toBe(0);
  });
});

/**
 * What happens with arguments C could not be given (wrong types, numbers
 * out of range, buffers shorter than their length, detached buffers,
 * storage that is not the instance's) and with the NULLs C can be given: a
 * TypeError before C sees anything, or the errno C gives; never a crash,
 * and the module still works after all of it.
 */
import * as path from 'path';
import { load } from '../dist/index';
import { pattern, sleep } from './helpers';
import { chan, dill, dir, loadInstance, pair, useTempDir } from './instance';

loadInstance();
useTempDir('tsapi');

describe('bad arguments: a TypeError or the documented errno, never a crash', () => {
  test('wrong types', async () => {
    const [a, b] = pair();
    const any = dill as any;
    expect(() => any.hclose('3')).toThrow(TypeError);
    expect(() => any.hclose(undefined)).toThrow(TypeError);
    expect(() => any.bsend('3', Buffer.from('x'), 1, -1)).toThrow(TypeError);
    expect(() => any.bsend(a, { length: 1 }, 1, -1)).toThrow(TypeError);
    expect(() => any.bsend(a, [1, 2, 3], 3, -1)).toThrow(TypeError);
    expect(() => any.bsend(a, 'abc', 3, -1)).toThrow(TypeError);
    expect(() => any.brecv(a, new ArrayBuffer(3), 3, -1)).toThrow(TypeError);
    expect(() => any.bsend(a, Buffer.from('x'), '1', -1)).toThrow(TypeError);
    expect(() => any.bsend(a, Buffer.from('x'), 1, '-1')).toThrow(TypeError);
    expect(() => any.ipc_listen(42, 10)).toThrow(TypeError);
    expect(() => any.ipc_connect({}, -1)).toThrow(TypeError);
    expect(() => any.chmake({})).toThrow(TypeError);
    expect(() => any.ipc_pair('ab')).toThrow(TypeError);
    expect(() => any.bsendl(a, 'abc', -1)).toThrow(TypeError);
    expect(() => any.bsendl(a, [Buffer.from('a'), 'b'], -1)).toThrow(TypeError);
    expect(() => any.brecvl(a, [{ base: {}, len: 1 }], -1)).toThrow(TypeError);
    expect(() => any.choose({}, 1, -1)).toThrow(TypeError);
    expect(() => any.choose([{ op: 'recv', ch: a, val: null, len: 0 }], 1, -1)).toThrow(TypeError);
    expect(() => any.choose([{ op: dill.CHRECV, ch: a, val: 'x', len: 1 }], 1, -1)).toThrow(TypeError);
    expect(() => any.choose([null], 1, -1)).toThrow(TypeError);
    expect(() => any.go('not a function')).toThrow(TypeError);
    expect(() => any.bundle_go(dill.bundle(), 42)).toThrow(TypeError);
    expect(() => any.bundle_go('1', async () => {})).toThrow(TypeError);
    expect(() => any.go_mem(async () => {}, {}, 10)).toThrow(TypeError);
    expect(() => any.strerror('EPIPE')).toThrow(TypeError);
    expect(() => any.msleep()).toThrow(TypeError);
    // The message names the function and the parameter.
    expect(() => any.bsend(a, {}, 1, -1)).toThrow(/bsend: buf/);
    expect(() => any.hclose('3')).toThrow(/hclose: h/);
    for (const h of [a, b]) expect(dill.hclose(h)).toBe(0);
  });

  test('non-integer and out-of-range numbers', async () => {
    const [a, b] = pair();
    const x = Buffer.alloc(4);
    expect(() => dill.hclose(2 ** 40)).toThrow(TypeError);
    expect(() => dill.hclose(-(2 ** 40))).toThrow(TypeError);
    expect(() => dill.hclose(1.5)).toThrow(TypeError);
    expect(() => dill.hclose(NaN)).toThrow(TypeError);
    expect(() => dill.hclose(Infinity)).toThrow(TypeError);
    expect(() => dill.bsend(a, x, -1, -1)).toThrow(TypeError);
    expect(() => dill.bsend(a, x, 2.5, -1)).toThrow(TypeError);
    expect(() => dill.brecv(a, x, 2 ** 33, -1)).toThrow(TypeError);
    expect(() => dill.msleep(NaN)).toThrow(TypeError);
    expect(() => dill.brecv(a, x, 1, NaN)).toThrow(TypeError);
    expect(() => dill.msleep(-Infinity)).toThrow(TypeError);
    expect(() => dill.ipc_listen(path.join(dir, 'never.sock'), 2 ** 31)).toThrow(TypeError);
    expect(() => dill.choose([], 1.5, 0)).toThrow(TypeError);
    expect(() => dill.brecvl(a, [{ base: null, len: -1 }], -1)).toThrow(TypeError);
    expect(() => dill.choose([{ op: dill.CHRECV, ch: 2 ** 40, val: null, len: 0 }], 1, 0)).toThrow(TypeError);
    expect(() => dill.choose([{ op: dill.CHRECV, ch: a, val: null, len: -3 }], 1, 0)).toThrow(TypeError);
    expect(() => dill.strerror(1.5)).toThrow(TypeError);
    // In range but invalid: what C says.
    expect(dill.hclose(2 ** 31 - 1)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.hclose(-(2 ** 31))).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(await dill.bsend(-1, x, 1, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(await dill.choose([], -1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    // A fractional deadline is truncated; Infinity is no deadline (-1).
    expect(await dill.msleep(dill.now() + 0.5)).toBe(0);
    for (const h of [a, b]) expect(dill.hclose(h)).toBe(0);
  });

  test('a buffer shorter than len, nclauses beyond the clauses array', async () => {
    const [a, b] = pair();
    expect(() => dill.bsend(a, new Uint8Array(2), 3, -1)).toThrow(TypeError);
    expect(() => dill.brecv(a, new Uint8Array(2), 3, -1)).toThrow(TypeError);
    expect(() => dill.bsend(a, Buffer.from('abcdef').subarray(4), 3, -1)).toThrow(/has 2 bytes/);
    expect(() => dill.chsend(a, new Uint8Array(0), 1, 0)).toThrow(TypeError);
    expect(() => dill.bsendl(a, [{ base: new Uint8Array(2), len: 3 }], -1)).toThrow(TypeError);
    expect(() => dill.choose([{ op: dill.CHRECV, ch: a, val: new Uint8Array(1), len: 4 }], 1, 0)).toThrow(TypeError);
    expect(() => dill.go_mem(async () => {}, new Uint8Array(4), 100)).toThrow(TypeError);
    // C would read past the array: refused rather than handing C garbage clauses.
    const [c0, c1] = chan();
    expect(() => dill.choose([{ op: dill.CHRECV, ch: c1, val: new Uint8Array(1), len: 1 }], 5, 0))
      .toThrow(/nclauses is 5/);
    // Fewer is fine: C uses the first nclauses.
    expect(await dill.choose([
      { op: dill.CHRECV, ch: c1, val: new Uint8Array(1), len: 1 },
      { op: dill.CHRECV, ch: 99999, val: null, len: 0 },
    ], 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    // Nothing went out on the refused calls.
    expect(await dill.brecv(b, Buffer.alloc(1), 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    for (const h of [a, b, c0, c1]) expect(dill.hclose(h)).toBe(0);
  });

  test('a detached buffer (transferred ArrayBuffer): its view has length 0', async () => {
    const [a, b] = pair();
    const ab = new ArrayBuffer(8);
    const view = new Uint8Array(ab);
    structuredClone(ab, { transfer: [ab] });
    expect(view.length).toBe(0);
    expect(() => dill.bsend(a, view, 8, -1)).toThrow(/detached/);
    expect(() => dill.brecv(a, view, 8, -1)).toThrow(TypeError);
    expect(() => dill.bsendl(a, [{ base: view, len: 8 }], -1)).toThrow(TypeError);
    // With len 0 it is just an empty buffer.
    expect(await dill.bsend(a, view, 0, -1)).toBe(0);
    // Detached while a brecv into it is pending: the call completes, the
    // bytes have nowhere to go, nothing breaks.
    const ab2 = new ArrayBuffer(4);
    const v2 = new Uint8Array(ab2);
    const pending = dill.brecv(b, v2, 4, dill.now() + 2000);
    await sleep(5);
    structuredClone(ab2, { transfer: [ab2] });
    expect(await dill.bsend(a, Buffer.from('lost'), 4, -1)).toBe(0);
    expect(await pending).toBe(0);
    expect(v2.length).toBe(0);
    for (const h of [a, b]) expect(dill.hclose(h)).toBe(0);
  });

  test('storage: wrong kind, freed, unknown kind, forged or from another instance', async () => {
    const any = dill as any;
    const ipcSt = dill.storage('ipc_storage');
    expect(() => any.chmake_mem(ipcSt, [0, 0])).toThrow(/storage\('chstorage'\)/);
    expect(() => any.ipc_pair_mem(ipcSt, [0, 0])).toThrow(TypeError);
    expect(() => any.bundle_mem({})).toThrow(TypeError);
    expect(() => any.bundle_mem(5)).toThrow(TypeError);
    expect(() => dill.storage('no_such_storage')).toThrow(TypeError);
    const freed = dill.storage('chstorage');
    freed.free();
    expect(() => dill.chmake_mem(freed, [0, 0])).toThrow(/freed/);
    // An object that looks like storage but was not made by storage() would
    // have C write a struct at an arbitrary address of the heap.
    const forged = { kind: 'chstorage', ptr: 16, size: 96, free() {} };
    expect(() => any.chmake_mem(forged, [0, 0])).toThrow(TypeError);
    const other = await load();
    const foreign = other.storage('chstorage');
    expect(() => dill.chmake_mem(foreign as any, [0, 0])).toThrow(TypeError);
    foreign.free();
    // NULL storage: EINVAL, as in C.
    expect(dill.chmake_mem(null, [0, 0])).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.bundle_mem(null)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    const pst = dill.storage('ipc_pair_storage');
    expect(dill.ipc_pair_mem(pst, null)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    pst.free();
    ipcSt.free();
  });

  test('NULL where C says EINVAL (EFAULT for a NULL send buffer); a NULL receive buffer skips bytes', async () => {
    const [a, b] = pair();
    expect(dill.chmake(null)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.ipc_pair(null)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.ipc_listen(null, 10)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.ipc_connect(null, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.choose(null, 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.bsend(a, null, 3, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EFAULT);   // as the kernel answers natively
    // brecv with a NULL buffer drops len bytes (manual: brecv(3)).
    expect(await dill.bsend(a, Buffer.from('skipkeep'), 8, -1)).toBe(0);
    expect(await dill.brecv(b, null, 4, dill.now() + 1000)).toBe(0);
    const k = Buffer.alloc(4);
    expect(await dill.brecv(b, k, 4, dill.now() + 1000)).toBe(0);
    expect(k.toString()).toBe('keep');
    for (const h of [a, b]) expect(dill.hclose(h)).toBe(0);
  });

  test('hclose of a handle a pending call is using: the call fails, nothing hangs or crashes', async () => {
    const [a, b] = pair();
    const r = dill.brecv(b, Buffer.alloc(4), 4, -1);
    const [c0, c1] = chan();
    const cr = dill.chrecv(c1, new Uint8Array(4), 4, -1);
    await sleep(5);
    expect(dill.hclose(b)).toBe(0);
    expect(dill.hclose(c1)).toBe(0);
    expect(await r).toBe(-1);
    // A channel end closed under a receive: as upstream, the receive waits
    // on until the other end is closed too, then fails with EPIPE.
    const early = await Promise.race([cr, sleep(20).then(() => 'waiting')]);
    expect(early).toBe('waiting');
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(c0)).toBe(0);
    expect(await cr).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
  });

  test('after all of that the module still works', async () => {
    const [a, b] = pair();
    const msg = pattern(5000, 11, 3);
    expect(await dill.bsend(a, msg, msg.length, -1)).toBe(0);
    const got = Buffer.alloc(msg.length);
    expect(await dill.brecv(b, got, got.length, dill.now() + 1000)).toBe(0);
    expect(got.equals(msg)).toBe(true);
    const [c0, c1] = chan();
    const s = dill.chsend(c0, Uint8Array.of(1), 1, -1);
    expect(await dill.chrecv(c1, new Uint8Array(1), 1, dill.now() + 1000)).toBe(0);
    expect(await s).toBe(0);
    const h = dill.go(async () => { await dill.msleep(dill.now() + 1); });
    expect(await dill.bundle_wait(h, dill.now() + 1000)).toBe(0);
    for (const x of [a, b, c0, c1, h]) expect(dill.hclose(x)).toBe(0);
  });
});

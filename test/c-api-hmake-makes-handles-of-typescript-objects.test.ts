/**
 * hmake and hquery (C's libdillimpl.h) from the C-faithful layer, with
 * handles whose query and close are written in TypeScript: what hmake
 * accepts, what hquery answers (for handles made in TypeScript and in C),
 * hclose running close once and hown moving the object.
 */
import type { HVfs } from '../dist/index';
import { enc, text } from './helpers';
import { brecvN, dill, loadInstance, pair, soon } from './instance';
import { XOR_TYPE, xor, xorLayer } from './layers';

loadInstance();

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

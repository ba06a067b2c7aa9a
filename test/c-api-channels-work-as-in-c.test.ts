/**
 * Channels from the C-faithful layer: chmake and chmake_mem, chsend/chrecv
 * of Uint8Arrays, chdone, choose with send and receive clauses, and the
 * errno of each failure, as in C.
 */
import { sleep } from './helpers';
import { chan, dill, loadInstance, pair } from './instance';

loadInstance();

describe('channels', () => {
  test('chmake fills the out array; chsend/chrecv of Uint8Array both ways', async () => {
    const chv = [-7, -7];
    expect(dill.chmake(chv)).toBe(0);
    expect(chv[0]).toBeGreaterThanOrEqual(0);
    expect(chv[1]).toBeGreaterThanOrEqual(0);
    expect(chv[0]).not.toBe(chv[1]);
    const [a, b] = chv;
    const sending = dill.chsend(a, Uint8Array.of(1, 2, 3, 4), 4, -1);
    const got = new Uint8Array(4);
    expect(await dill.chrecv(b, got, 4, dill.now() + 1000)).toBe(0);
    expect(await sending).toBe(0);
    expect([...got]).toEqual([1, 2, 3, 4]);
    const back = dill.chsend(b, Uint8Array.of(9), 1, -1);
    const one = new Uint8Array(1);
    expect(await dill.chrecv(a, one, 1, dill.now() + 1000)).toBe(0);
    expect(await back).toBe(0);
    expect(one[0]).toBe(9);
    // A failed chmake leaves the array alone.
    const untouched = [-7, -7];
    expect(dill.chmake_mem(null, untouched)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(untouched).toEqual([-7, -7]);
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('chmake_mem on storage("chstorage")', async () => {
    const st = dill.storage('chstorage');
    const chv = [-1, -1];
    expect(dill.chmake_mem(st, chv)).toBe(0);
    const [a, b] = chv;
    const s = dill.chsend(a, Uint8Array.of(42), 1, -1);
    const x = new Uint8Array(1);
    expect(await dill.chrecv(b, x, 1, dill.now() + 1000)).toBe(0);
    expect(await s).toBe(0);
    expect(x[0]).toBe(42);
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
    st.free();
  });

  test('chdone: the receiver gets EPIPE, a second chdone and a chsend after it give EPIPE', async () => {
    const [a, b] = chan();
    expect(dill.chdone(a)).toBe(0);
    expect(await dill.chrecv(b, new Uint8Array(1), 1, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(dill.chdone(a)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(await dill.chsend(a, Uint8Array.of(1), 1, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    // A receiver already waiting is woken with EPIPE too.
    const [c, d] = chan();
    const waiting = dill.chrecv(d, new Uint8Array(1), 1, -1);
    await sleep(5);
    expect(dill.chdone(c)).toBe(0);
    expect(await waiting).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    for (const h of [a, b, c, d]) expect(dill.hclose(h)).toBe(0);
  });

  test('choose: a recv clause gets the data into its buffer; a send clause delivers', async () => {
    const [a, b] = chan();
    const [o1, o2] = chan();
    const rb = new Uint8Array(3);
    const sb = Uint8Array.of(5, 5, 5);
    const pending = dill.chsend(a, Uint8Array.of(7, 8, 9), 3, -1);
    const clauses = [
      { op: dill.CHSEND, ch: o1, val: sb, len: 3 },
      { op: dill.CHRECV, ch: b, val: rb, len: 3 },
    ];
    expect(await dill.choose(clauses, 2, dill.now() + 1000)).toBe(1);
    expect(dill.errno).toBe(0);
    expect([...rb]).toEqual([7, 8, 9]);
    expect([...sb]).toEqual([5, 5, 5]); // the send clause's buffer is not written
    expect(await pending).toBe(0);

    const got = new Uint8Array(3);
    const receiving = dill.chrecv(o2, got, 3, -1);
    const untouched = Uint8Array.of(0, 0, 0);
    expect(await dill.choose([
      { op: dill.CHRECV, ch: b, val: untouched, len: 3 },
      { op: dill.CHSEND, ch: o1, val: Uint8Array.of(4, 5, 6), len: 3 },
    ], 2, dill.now() + 1000)).toBe(1);
    expect(dill.errno).toBe(0);
    expect(await receiving).toBe(0);
    expect([...got]).toEqual([4, 5, 6]);
    expect([...untouched]).toEqual([0, 0, 0]);

    // Nothing ready: ETIMEDOUT; no clauses at all: ETIMEDOUT at the deadline.
    expect(await dill.choose([{ op: dill.CHRECV, ch: b, val: rb, len: 3 }], 1, dill.now() + 20)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(await dill.choose([], 0, dill.now() + 20)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    for (const h of [a, b, o1, o2]) expect(dill.hclose(h)).toBe(0);
  });

  test('EMSGSIZE (chrecv, chsend, choose), EBADF, ENOTSUP on a non-channel handle', async () => {
    const [a, b] = chan();
    const s = dill.chsend(a, Uint8Array.of(1, 2), 2, dill.now() + 1000);
    expect(await dill.chrecv(b, new Uint8Array(3), 3, dill.now() + 1000)).toBe(-1);
    expect(dill.errno).toBe(dill.EMSGSIZE);
    expect(await s).toBe(-1);
    expect(dill.errno).toBe(dill.EMSGSIZE);

    const s2 = dill.chsend(a, Uint8Array.of(1, 2), 2, dill.now() + 1000);
    expect(await dill.choose([{ op: dill.CHRECV, ch: b, val: new Uint8Array(3), len: 3 }], 1, dill.now() + 1000))
      .toBe(0);
    expect(dill.errno).toBe(dill.EMSGSIZE);
    expect(await s2).toBe(-1);

    expect(await dill.chrecv(12345, new Uint8Array(1), 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(await dill.chsend(12345, new Uint8Array(1), 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.chdone(12345)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(await dill.choose([{ op: dill.CHRECV, ch: 12345, val: null, len: 0 }], 1, 0)).toBe(0);
    expect(dill.errno).toBe(dill.EBADF);

    const [p, q] = pair();
    expect(await dill.chrecv(p, new Uint8Array(1), 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(await dill.chsend(p, new Uint8Array(1), 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(dill.chdone(p)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(await dill.choose([{ op: dill.CHSEND, ch: p, val: null, len: 0 }], 1, 0)).toBe(0);
    expect(dill.errno).toBe(dill.ENOTSUP);
    // ... and the other way round: a channel is not a bytestream.
    expect(await dill.bsend(a, Uint8Array.of(1), 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    for (const h of [a, b, p, q]) expect(dill.hclose(h)).toBe(0);
  });
});

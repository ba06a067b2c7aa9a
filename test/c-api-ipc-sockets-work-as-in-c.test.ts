/**
 * IPC from the C-faithful layer: ipc_listen/ipc_connect/ipc_accept on unix
 * socket paths, ipc_pair, bsend/brecv and their iolist forms, ipc_done and
 * the ipc_close handshake, the _mem variants, ipc_sendfd/ipc_recvfd, and
 * the errno of each failure, as in C.
 */
import * as fs from 'fs';
import * as path from 'path';
import { load } from '../dist/index';
import type { CApi } from '../dist/index';
import { pattern } from './helpers';
import { chan, dill, dir, loadInstance, pair, sockPath, useTempDir } from './instance';

loadInstance();
useTempDir('tsapi');

/** A connected pair over a real unix socket: [listener, client, server side]. */
async function connected(api: CApi = dill): Promise<{ ls: number; c: number; s: number; path: string }> {
  const p = sockPath();
  const ls = await api.ipc_listen(p, 10);
  expect(ls).toBeGreaterThanOrEqual(0);
  expect(fs.existsSync(p)).toBe(true);
  const cp = api.ipc_connect(p, api.now() + 2000);
  const s = await api.ipc_accept(ls, api.now() + 2000);
  const c = await cp;
  expect(c).toBeGreaterThanOrEqual(0);
  expect(s).toBeGreaterThanOrEqual(0);
  return { ls, c, s, path: p };
}

describe('IPC', () => {
  test('listen/connect/accept on a unix path; bsend/brecv both ways', async () => {
    const { ls, c, s, path: p } = await connected();
    const req = pattern(70000, 7, 1);
    const sending = dill.bsend(c, req, req.length, dill.now() + 5000);
    const got = Buffer.alloc(req.length);
    expect(await dill.brecv(s, got, got.length, dill.now() + 5000)).toBe(0);
    expect(await sending).toBe(0);
    expect(got.equals(req)).toBe(true);
    expect(await dill.bsend(s, Buffer.from('reply'), 5, -1)).toBe(0);
    const r = Buffer.alloc(5);
    expect(await dill.brecv(c, r, 5, dill.now() + 2000)).toBe(0);
    expect(r.toString()).toBe('reply');
    // A Buffer view with an offset: only its own bytes travel.
    const big = Buffer.from('xxABCxx');
    expect(await dill.bsend(c, big.subarray(2, 5), 3, -1)).toBe(0);
    const into = Buffer.from('.......');
    expect(await dill.brecv(s, into.subarray(2, 5), 3, dill.now() + 2000)).toBe(0);
    expect(into.toString()).toBe('..ABC..');
    expect(dill.hclose(c)).toBe(0);
    expect(dill.hclose(s)).toBe(0);
    expect(dill.hclose(ls)).toBe(0);
    fs.unlinkSync(p);
  });

  test('ipc_done: the peer gets every byte, then EPIPE; second ipc_done and bsend after it give EPIPE', async () => {
    const { ls, c, s, path: p } = await connected();
    const data = pattern(10000, 3, 9);
    expect(await dill.bsend(c, data, data.length, -1)).toBe(0);
    expect(await dill.ipc_done(c, dill.now() + 2000)).toBe(0);
    expect(await dill.ipc_done(c, dill.now() + 2000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(await dill.bsend(c, Buffer.from('x'), 1, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const got = Buffer.alloc(data.length);
    expect(await dill.brecv(s, got, got.length, dill.now() + 2000)).toBe(0);
    expect(got.equals(data)).toBe(true);
    expect(await dill.brecv(s, Buffer.alloc(1), 1, dill.now() + 2000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(await dill.brecv(s, Buffer.alloc(1), 1, dill.now() + 2000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    // The other direction still works: half-close.
    expect(await dill.bsend(s, Buffer.from('answer'), 6, -1)).toBe(0);
    const a = Buffer.alloc(6);
    expect(await dill.brecv(c, a, 6, dill.now() + 2000)).toBe(0);
    expect(a.toString()).toBe('answer');
    expect(dill.hclose(s)).toBe(0);
    expect(dill.hclose(c)).toBe(0);
    expect(dill.hclose(ls)).toBe(0);
    fs.unlinkSync(p);
  });

  test('ipc_close: the termination handshake with a peer that reads to EPIPE and closes too', async () => {
    const { ls, c, s, path: p } = await connected();
    expect(await dill.bsend(s, Buffer.from('bye'), 3, -1)).toBe(0);
    const closing = dill.ipc_close(s, dill.now() + 2000);
    const b = Buffer.alloc(3);
    expect(await dill.brecv(c, b, 3, dill.now() + 2000)).toBe(0);
    expect(b.toString()).toBe('bye');
    expect(await dill.brecv(c, b, 1, dill.now() + 2000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(await dill.ipc_close(c, dill.now() + 2000)).toBe(0);
    expect(await closing).toBe(0);
    // Both handles are gone.
    expect(dill.hclose(s)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.hclose(c)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    // On a listener ipc_close is hclose.
    expect(await dill.ipc_close(ls, 0)).toBe(0);
    expect(dill.hclose(ls)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    fs.unlinkSync(p);
  });

  test('ipc_close gives ETIMEDOUT when the peer never closes (and the handle is gone anyway)', async () => {
    const [a, b] = pair();
    const t0 = dill.now();
    expect(await dill.ipc_close(a, dill.now() + 50)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(dill.now() - t0).toBeGreaterThanOrEqual(45);
    expect(dill.hclose(a)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.hclose(b)).toBe(0);
  });

  test('ipc_pair, and the _mem variants on storage()', async () => {
    const [a, b] = pair();
    expect(a).not.toBe(b);
    expect(await dill.bsend(a, Buffer.from('ping'), 4, -1)).toBe(0);
    const x = Buffer.alloc(4);
    expect(await dill.brecv(b, x, 4, dill.now() + 1000)).toBe(0);
    expect(x.toString()).toBe('ping');
    expect(await dill.bsend(b, Buffer.from('pong'), 4, -1)).toBe(0);
    expect(await dill.brecv(a, x, 4, dill.now() + 1000)).toBe(0);
    expect(x.toString()).toBe('pong');
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);

    const ps = dill.storage('ipc_pair_storage');
    expect(ps.kind).toBe('ipc_pair_storage');
    expect(ps.ptr).toBeGreaterThan(0);
    const q = [-1, -1];
    expect(dill.ipc_pair_mem(ps, q)).toBe(0);
    expect(await dill.bsend(q[0], Buffer.from('m'), 1, -1)).toBe(0);
    expect(await dill.brecv(q[1], x, 1, dill.now() + 1000)).toBe(0);
    expect(x[0]).toBe('m'.charCodeAt(0));
    expect(dill.hclose(q[0])).toBe(0);
    expect(dill.hclose(q[1])).toBe(0);
    ps.free();
    expect(ps.ptr).toBe(0);

    const lst = dill.storage('ipc_listener_storage');
    const cst = dill.storage('ipc_storage');
    const ast = dill.storage('ipc_storage');
    const p = sockPath();
    const ls = await dill.ipc_listen_mem(p, 5, lst);
    expect(ls).toBeGreaterThanOrEqual(0);
    const cp = dill.ipc_connect_mem(p, cst, dill.now() + 2000);
    const s = await dill.ipc_accept_mem(ls, ast, dill.now() + 2000);
    const c = await cp;
    expect(s).toBeGreaterThanOrEqual(0);
    expect(c).toBeGreaterThanOrEqual(0);
    expect(await dill.bsend(c, Buffer.from('mem'), 3, -1)).toBe(0);
    const y = Buffer.alloc(3);
    expect(await dill.brecv(s, y, 3, dill.now() + 1000)).toBe(0);
    expect(y.toString()).toBe('mem');
    for (const h of [c, s, ls]) expect(dill.hclose(h)).toBe(0);
    for (const st of [lst, cst, ast]) st.free();
    fs.unlinkSync(p);
  });

  test('8 MiB in one bsend/brecv over ipc_pair (the library heap grows under the call)', async () => {
    const [a, b] = pair();
    const big = pattern(8 << 20, 31, 17);
    const got = Buffer.alloc(big.length);
    const [rs, rr] = await Promise.all([
      dill.bsend(a, big, big.length, dill.now() + 20000),
      dill.brecv(b, got, got.length, dill.now() + 20000),
    ]);
    expect([rs, rr]).toEqual([0, 0]);
    expect(got.equals(big)).toBe(true);
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('bsendl/brecvl: iolists, a { base: null, len } skip, views with offsets; an empty list is EINVAL', async () => {
    const [a, b] = pair();
    const part = Buffer.from('__cdef__');
    expect(await dill.bsendl(a, [Buffer.from('ab'), { base: part.subarray(2), len: 4 }, Buffer.from('ghij')], -1))
      .toBe(0);
    const x = Buffer.alloc(3), y = Buffer.alloc(4);
    // "abc" | skip "def" | "ghij"
    expect(await dill.brecvl(b, [x, { base: null, len: 3 }, { base: y, len: 4 }], dill.now() + 1000)).toBe(0);
    expect(x.toString()).toBe('abc');
    expect(y.toString()).toBe('ghij');
    // { base, len } with len shorter than the buffer: only len bytes are used.
    expect(await dill.bsendl(a, [{ base: Buffer.from('KLMNOP'), len: 2 }], -1)).toBe(0);
    const z = Buffer.from('....');
    expect(await dill.brecvl(b, [{ base: z, len: 2 }], dill.now() + 1000)).toBe(0);
    expect(z.toString()).toBe('KL..');
    expect(await dill.bsendl(a, [], -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.brecvl(b, [], -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    // Nothing was sent or lost by the failed calls.
    expect(await dill.brecv(b, z, 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('EADDRINUSE from ipc_listen on a used path (listening, and socket file left behind)', async () => {
    const p = sockPath();
    const ls = await dill.ipc_listen(p, 10);
    expect(ls).toBeGreaterThanOrEqual(0);
    expect(await dill.ipc_listen(p, 10)).toBe(-1);
    expect(dill.errno).toBe(dill.EADDRINUSE);
    expect(dill.hclose(ls)).toBe(0);
    expect(await dill.ipc_listen(p, 10)).toBe(-1);
    expect(dill.errno).toBe(dill.EADDRINUSE);
    // ... and ECONNREFUSED from ipc_connect to that file nobody listens on.
    expect(await dill.ipc_connect(p, dill.now() + 1000)).toBe(-1);
    expect(dill.errno).toBe(dill.ECONNREFUSED);
    fs.unlinkSync(p);
    const again = await dill.ipc_listen(p, 10);
    expect(again).toBeGreaterThanOrEqual(0);
    expect(dill.hclose(again)).toBe(0);
    fs.unlinkSync(p);
  });

  test('ENOENT from ipc_connect to a missing path, ENOENT from ipc_listen in a missing directory', async () => {
    expect(await dill.ipc_connect(path.join(dir, 'missing.sock'), dill.now() + 1000)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOENT);
    expect(await dill.ipc_listen(path.join(dir, 'no-such-dir', 'x.sock'), 10)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOENT);
  });

  test('ETIMEDOUT with a deadline: brecv and ipc_accept', async () => {
    const [a, b] = pair();
    let t0 = Date.now();
    expect(await dill.brecv(a, Buffer.alloc(1), 1, dill.now() + 50)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    // deadline 0: try once.
    expect(await dill.brecv(b, Buffer.alloc(1), 1, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    const p = sockPath();
    const ls = await dill.ipc_listen(p, 10);
    t0 = Date.now();
    expect(await dill.ipc_accept(ls, dill.now() + 50)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    for (const h of [a, b, ls]) expect(dill.hclose(h)).toBe(0);
    fs.unlinkSync(p);
  });

  test('ipc_sendfd/ipc_recvfd between ipc_pair sockets: the received descriptor is the same socket', async () => {
    // A fresh instance: its descriptors are numbered from 3 (lowest free, as
    // POSIX), so the second pair's sockets are 5 and 6.  A TS program has no
    // other way to name a descriptor.
    const d = await load();
    const [a0, a1] = pair(d);
    const [b0, b1] = pair(d);
    expect(await d.ipc_sendfd(a0, 5, d.now() + 1000)).toBe(0);
    const fd = await d.ipc_recvfd(a1, d.now() + 1000);
    expect(fd).toBeGreaterThan(6);
    const h = d.ipc_fromfd(fd);
    expect(h).toBeGreaterThanOrEqual(0);
    // Writing to the received descriptor reaches the peer of fd 5 (b0)...
    expect(await d.bsend(h, Buffer.from('via'), 3, -1)).toBe(0);
    const x = Buffer.alloc(4);
    expect(await d.brecv(b1, x, 3, d.now() + 1000)).toBe(0);
    expect(x.subarray(0, 3).toString()).toBe('via');
    // ... and reading from it gets what that peer sends.
    expect(await d.bsend(b1, Buffer.from('back'), 4, -1)).toBe(0);
    expect(await d.brecv(h, x, 4, d.now() + 1000)).toBe(0);
    expect(x.toString()).toBe('back');
    // The original stays usable after the copy is closed.
    expect(d.hclose(h)).toBe(0);
    expect(await d.bsend(b0, Buffer.from('!'), 1, -1)).toBe(0);
    expect(await d.brecv(b1, x, 1, d.now() + 1000)).toBe(0);
    expect(x[0]).toBe('!'.charCodeAt(0));
    // Errors.
    expect(await d.ipc_sendfd(a0, 999, -1)).toBe(-1);
    expect(d.errno).toBe(d.EBADF);
    const [c0, c1] = chan(d);
    expect(await d.ipc_sendfd(c0, 5, -1)).toBe(-1);
    expect(d.errno).toBe(d.ENOTSUP);
    expect(await d.ipc_recvfd(-1, 0)).toBe(-1);
    expect(d.errno).toBe(d.EBADF);
    expect(await d.ipc_done(a0, -1)).toBe(0);
    expect(await d.ipc_recvfd(a1, d.now() + 1000)).toBe(-1);
    expect(d.errno).toBe(d.EPIPE);
    // (A timeout leaves a socket unusable for receiving, as the manual says:
    // a pair of its own.)
    const [e0, e1] = pair(d);
    expect(await d.ipc_recvfd(e1, 0)).toBe(-1);
    expect(d.errno).toBe(d.ETIMEDOUT);
    expect(await d.ipc_recvfd(e1, d.now() + 20)).toBe(-1);
    for (const hh of [a0, a1, b0, b1, c0, c1, e0, e1]) expect(d.hclose(hh)).toBe(0);
  });
});

/**
 * The C-faithful TypeScript layer (`const dill = await load()`): every C
 * function under its C name and its dill_ name, blocking ones returning a
 * Promise, errno per coroutine, go/bundle_go for async functions, hclose
 * cancelling them, and what happens with arguments C could not be given.
 *
 * It loads the built package (dist/, made by `make build`), as a user does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { load } from '../dist/index';
import type { CApi } from '../dist/index';
import { CALLS, CallDesc } from '../src/gen/api';
import { compile, tmpdir } from './helpers';

let dill: CApi;
let dir: string;
let sockN = 0;

/** A fresh unix socket path under the suite's temporary directory. */
function sockPath(): string {
  return path.join(dir, `s${++sockN}.sock`);
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Bytes 0..n-1 following a pattern (so misplaced or lost bytes show). */
function pattern(n: number, mul: number, add: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * mul + add) & 255;
  return b;
}

function pair(api: CApi = dill): [number, number] {
  const p = [-1, -1];
  expect(api.ipc_pair(p)).toBe(0);
  return [p[0], p[1]];
}

function chan(api: CApi = dill): [number, number] {
  const c = [-1, -1];
  expect(api.chmake(c)).toBe(0);
  return [c[0], c[1]];
}

beforeAll(async () => {
  dill = await load();
  dir = tmpdir('tsapi');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

// ---- 1. every generated function --------------------------------------------

/** Arguments for which the call fails (or succeeds) at once, by parameter kind. */
function harmlessArgs(desc: CallDesc): unknown[] {
  return desc.params.map((p) => {
    switch (p.kind) {
      case 'int': return p.name === 'nclauses' ? 0 : -1;  // an invalid handle / descriptor
      case 'size': return 0;
      case 'deadline': return 0;                           // never blocks
      case 'iolist': case 'clauses': return [];
      default: return null;                                // buffers, strings, out arrays, storage
    }
  });
}

describe('every C function of the header', () => {
  test('the generated table is not empty and has the functions of the README', () => {
    const names = CALLS.map((c) => c.name);
    for (const n of ['hclose', 'hown', 'bundle', 'bundle_wait', 'msleep', 'now', 'chmake', 'chsend', 'chrecv',
      'chdone', 'choose', 'bsend', 'brecv', 'bsendl', 'brecvl', 'ipc_listen', 'ipc_accept', 'ipc_connect',
      'ipc_done', 'ipc_close', 'ipc_pair', 'ipc_sendfd', 'ipc_recvfd', 'fdin', 'fdout', 'fdclean', 'yield']) {
      expect(names).toContain(n);
    }
  });

  test.each(CALLS.map((c) => [c.name, c] as const))('%s: callable under its C name and its dill_ name', async (name, desc) => {
    const api = dill as unknown as { [k: string]: (...a: unknown[]) => unknown };
    expect(api[`dill_${name}`]).toBe(api[name]);
    for (const fname of [name, `dill_${name}`]) {
      const f = api[fname];
      expect(typeof f).toBe('function');
      const r = f(...harmlessArgs(desc));
      if (desc.async) {
        expect(r).toBeInstanceOf(Promise);
        const v = await r;
        expect(typeof v).toBe('number');
        expect(Number.isInteger(v)).toBe(true);
      } else if (desc.ret === 'void') {
        expect(r).toBeUndefined();
      } else if (desc.ret === 'string' || desc.ret === 'sockaddr') {
        expect(r).toBeNull();   // ipaddr_str/ipaddr_sockaddr of NULL
      } else {
        expect(typeof r).toBe('number');
        if (name === 'bundle') expect(dill.hclose(r as number)).toBe(0);
      }
      expect(Number.isInteger(dill.errno)).toBe(true);
      // A wrong number of arguments is refused before C sees anything.
      expect(() => f(...harmlessArgs(desc), 0)).toThrow(TypeError);
    }
  });

  test('go, go_mem, bundle_go, bundle_go_mem and their dill_ names exist', async () => {
    for (const n of ['go', 'go_mem', 'bundle_go', 'bundle_go_mem']) {
      expect(typeof (dill as any)[n]).toBe('function');
      expect((dill as any)[`dill_${n}`]).toBe((dill as any)[n]);
    }
    const ran: string[] = [];
    const h1 = dill.dill_go(async () => { ran.push('go'); });
    const h2 = dill.go_mem(async () => { ran.push('go_mem'); }, new Uint8Array(4096), 4096);
    const b = dill.bundle();
    expect(dill.bundle_go(b, async () => { ran.push('bundle_go'); })).toBe(0);
    expect(dill.dill_bundle_go_mem(b, async () => { ran.push('bundle_go_mem'); }, null, 0)).toBe(0);
    for (const h of [h1, h2, b]) {
      expect(h).toBeGreaterThanOrEqual(0);
      expect(await dill.bundle_wait(h, dill.now() + 2000)).toBe(0);
      expect(dill.hclose(h)).toBe(0);
    }
    expect(ran.sort()).toEqual(['bundle_go', 'bundle_go_mem', 'go', 'go_mem']);
  });

  test('now() is the ms clock; msleep waits until its deadline', async () => {
    const t0 = dill.now();
    expect(Number.isInteger(t0)).toBe(true);
    const start = Date.now();
    expect(await dill.msleep(t0 + 30)).toBe(0);
    expect(dill.now()).toBeGreaterThanOrEqual(t0 + 30);
    expect(Date.now() - start).toBeGreaterThanOrEqual(25);
    expect(await dill.msleep(0)).toBe(0);
    expect(await dill.yield()).toBe(0);
  });

  test('fdclean returns 0, as in C (stdin\'s descriptor, -1)', () => {
    expect(dill.fdclean(0)).toBe(0);
    expect(dill.dill_fdclean(-1)).toBe(0);
  });
});

// ---- 2. IPC -------------------------------------------------------------------

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

// ---- 3. a TS program and a C program over IPC ---------------------------------

describe('TS and a C program built with dillcc, over a real unix socket', () => {
  const REQ = 120000;   // client -> server
  const REP = 90000;    // server -> client
  let prog: string;

  beforeAll(() => {
    // Patterns must match pattern(n, 7, 1) (requests) and pattern(n, 13, 5) (replies).
    prog = compile(dir, 'peer', `
      #include <stdio.h>
      #include <stdlib.h>
      #include <string.h>
      #include <libdill.h>
      static int check(const unsigned char *b, int n, int mul, int add) {
          for(int i = 0; i < n; i++) if(b[i] != (unsigned char)(i * mul + add)) return 0;
          return 1;
      }
      static void fill(unsigned char *b, int n, int mul, int add) {
          for(int i = 0; i < n; i++) b[i] = (unsigned char)(i * mul + add);
      }
      /* Receives exactly n bytes, then expects EPIPE. */
      static int recv_all(int s, unsigned char *b, int n, int mul, int add) {
          if(brecv(s, b, n, now() + 10000) != 0) { perror("brecv"); return 0; }
          if(!check(b, n, mul, add)) { fprintf(stderr, "bad data\\n"); return 0; }
          char x;
          if(brecv(s, &x, 1, now() + 10000) != -1 || errno != EPIPE) { perror("brecv EPIPE"); return 0; }
          return 1;
      }
      int main(int argc, char **argv) {
          int req = atoi(argv[3]), rep = atoi(argv[4]);
          unsigned char *b = malloc(req > rep ? req : rep);
          if(strcmp(argv[1], "server") == 0) {
              int ls = ipc_listen(argv[2], 10);
              if(ls < 0) { perror("ipc_listen"); return 2; }
              printf("listening\\n"); fflush(stdout);
              int s = ipc_accept(ls, now() + 10000);
              if(s < 0) { perror("ipc_accept"); return 3; }
              if(!recv_all(s, b, req, 7, 1)) return 4;
              printf("server got %d bytes then EPIPE\\n", req);
              fill(b, rep, 13, 5);
              if(bsend(s, b, rep, now() + 10000) != 0) { perror("bsend"); return 5; }
              if(ipc_done(s, now() + 10000) != 0) { perror("ipc_done"); return 6; }
              if(ipc_done(s, now() + 10000) != -1 || errno != EPIPE) return 7;
              hclose(s); hclose(ls);
          } else {
              int c = ipc_connect(argv[2], now() + 10000);
              if(c < 0) { perror("ipc_connect"); return 2; }
              fill(b, req, 7, 1);
              if(bsend(c, b, req, now() + 10000) != 0) { perror("bsend"); return 3; }
              if(ipc_done(c, now() + 10000) != 0) { perror("ipc_done"); return 4; }
              if(bsend(c, b, 1, -1) != -1 || errno != EPIPE) return 5;
              if(!recv_all(c, b, rep, 13, 5)) return 6;
              printf("client got %d bytes then EPIPE\\n", rep);
              hclose(c);
          }
          return 0;
      }`);
  });

  function run(args: string[]) {
    const child = spawn(process.execPath, [prog, ...args]);
    let out = '', err = '';
    const listening = deferred();
    child.stdout.on('data', (d) => { out += d; if (out.includes('listening')) listening.resolve(); });
    child.stderr.on('data', (d) => { err += d; });
    const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      child.on('close', (code) => { listening.resolve(); resolve({ code, out, err }); });
    });
    return { done, listening: listening.promise };
  }

  test('TS server, C client: each side gets all the data, then EPIPE', async () => {
    const p = sockPath();
    const ls = await dill.ipc_listen(p, 10);
    expect(ls).toBeGreaterThanOrEqual(0);
    const child = run(['client', p, String(REQ), String(REP)]);
    const s = await dill.ipc_accept(ls, dill.now() + 20000);
    expect(s).toBeGreaterThanOrEqual(0);
    const got = Buffer.alloc(REQ);
    expect(await dill.brecv(s, got, REQ, dill.now() + 20000)).toBe(0);
    expect(got.equals(pattern(REQ, 7, 1))).toBe(true);
    expect(await dill.brecv(s, Buffer.alloc(1), 1, dill.now() + 20000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const rep = pattern(REP, 13, 5);
    expect(await dill.bsend(s, rep, REP, dill.now() + 20000)).toBe(0);
    expect(await dill.ipc_done(s, dill.now() + 20000)).toBe(0);
    const r = await child.done;
    expect(r.err).toBe('');
    expect(r.out).toBe(`client got ${REP} bytes then EPIPE\n`);
    expect(r.code).toBe(0);
    expect(dill.hclose(s)).toBe(0);
    expect(dill.hclose(ls)).toBe(0);
    fs.unlinkSync(p);
  });

  test('C server, TS client: each side gets all the data, then EPIPE', async () => {
    const p = sockPath();
    const child = run(['server', p, String(REQ), String(REP)]);
    await child.listening;
    const c = await dill.ipc_connect(p, dill.now() + 20000);
    expect(c).toBeGreaterThanOrEqual(0);
    const req = pattern(REQ, 7, 1);
    expect(await dill.bsend(c, req, REQ, dill.now() + 20000)).toBe(0);
    expect(await dill.ipc_done(c, dill.now() + 20000)).toBe(0);
    expect(await dill.bsend(c, req, 1, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const got = Buffer.alloc(REP);
    expect(await dill.brecv(c, got, REP, dill.now() + 20000)).toBe(0);
    expect(got.equals(pattern(REP, 13, 5))).toBe(true);
    expect(await dill.brecv(c, Buffer.alloc(1), 1, dill.now() + 20000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const r = await child.done;
    expect(r.err).toBe('');
    expect(r.out).toBe(`listening\nserver got ${REQ} bytes then EPIPE\n`);
    expect(r.code).toBe(0);
    expect(dill.hclose(c)).toBe(0);
    fs.rmSync(p, { force: true });
  });
});

// ---- 4. channels ---------------------------------------------------------------

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

// ---- 5. the concurrency model ----------------------------------------------------

describe('concurrency', () => {
  test('a pending brecv on one handle never delays ipc_connect, bsend, msleep on others', async () => {
    const [a, b] = pair();
    const buf = Buffer.alloc(5);
    let settled = false;
    const pending = dill.brecv(b, buf, 5, -1).then((r) => { settled = true; return r; });
    const t0 = Date.now();
    // All of this happens while the brecv waits.
    const p = sockPath();
    const ls = await dill.ipc_listen(p, 10);
    const cp = dill.ipc_connect(p, dill.now() + 2000);
    const s = await dill.ipc_accept(ls, dill.now() + 2000);
    const c = await cp;
    expect(c).toBeGreaterThanOrEqual(0);
    expect(await dill.bsend(c, Buffer.from('abc'), 3, -1)).toBe(0);
    const x = Buffer.alloc(3);
    expect(await dill.brecv(s, x, 3, dill.now() + 2000)).toBe(0);
    expect(x.toString()).toBe('abc');
    expect(await dill.msleep(dill.now() + 20)).toBe(0);
    const [c0, c1] = chan();
    const cs = dill.chsend(c0, Uint8Array.of(1), 1, -1);
    expect(await dill.chrecv(c1, new Uint8Array(1), 1, dill.now() + 1000)).toBe(0);
    expect(await cs).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(settled).toBe(false);
    // Then it completes when its data comes.
    expect(await dill.bsend(a, Buffer.from('later'), 5, -1)).toBe(0);
    expect(await pending).toBe(0);
    expect(buf.toString()).toBe('later');
    for (const h of [a, b, c, s, ls, c0, c1]) expect(dill.hclose(h)).toBe(0);
    fs.unlinkSync(p);
  });

  test('10,000 concurrent msleep calls all complete at their deadline', async () => {
    const N = 10000;
    const dl = dill.now() + 50;
    const calls: Promise<number>[] = [];
    for (let i = 0; i < N; i++) calls.push(dill.msleep(dl));
    const rs = await Promise.all(calls);
    expect(rs.every((r) => r === 0)).toBe(true);
    expect(dill.now()).toBeGreaterThanOrEqual(dl);
  });

  test('10,000 concurrent chrecv calls each receive exactly one of 10,000 messages', async () => {
    const N = 10000;
    const [a, b] = chan();
    const bufs: Uint8Array[] = [];
    const recvs: Promise<number>[] = [];
    for (let i = 0; i < N; i++) {
      const buf = new Uint8Array(4);
      bufs.push(buf);
      recvs.push(dill.chrecv(b, buf, 4, dill.now() + 30000));
    }
    const sends: Promise<number>[] = [];
    for (let i = 0; i < N; i++) {
      const m = new Uint8Array(4);
      new DataView(m.buffer).setUint32(0, i, true);
      sends.push(dill.chsend(a, m, 4, dill.now() + 30000));
    }
    expect((await Promise.all(recvs)).every((r) => r === 0)).toBe(true);
    expect((await Promise.all(sends)).every((r) => r === 0)).toBe(true);
    const seen = bufs.map((buf) => new DataView(buf.buffer).getUint32(0, true)).sort((x, y) => x - y);
    expect(seen.every((v, i) => v === i)).toBe(true);
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });
});

// ---- 6. errno per coroutine --------------------------------------------------------

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

// ---- 7. cancellation -----------------------------------------------------------------

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

// ---- 8. bad arguments ----------------------------------------------------------------

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

// ---- 9. strerror and the errno constants -------------------------------------------

describe('strerror and errno constants', () => {
  test('the constants are distinct positive integers, also in errnos', () => {
    const names = ['EPIPE', 'ECANCELED', 'ETIMEDOUT', 'EBADF', 'EINVAL', 'ENOTSUP', 'EMSGSIZE', 'ECONNRESET',
      'ECONNREFUSED', 'EADDRINUSE', 'ENOENT', 'EBUSY', 'ENOMEM'];
    const vals = names.map((n) => (dill as any)[n]);
    for (let i = 0; i < names.length; i++) {
      expect(typeof vals[i]).toBe('number');
      expect(Number.isInteger(vals[i]) && vals[i] > 0).toBe(true);
      expect(dill.errnos[names[i]]).toBe(vals[i]);
    }
    expect(new Set(vals).size).toBe(vals.length);
    expect(Object.isFrozen(dill.errnos)).toBe(true);
    expect(dill.CHSEND).not.toBe(dill.CHRECV);
  });

  test('strerror gives C\'s messages', () => {
    expect(typeof dill.strerror(dill.EPIPE)).toBe('string');
    expect(dill.strerror(dill.EPIPE)).toMatch(/pipe/i);
    expect(dill.strerror(dill.ETIMEDOUT)).toMatch(/timed out/i);
    expect(dill.strerror(dill.ECANCELED)).toMatch(/cancel/i);
    expect(dill.strerror(dill.EBADF)).toMatch(/bad file/i);
    expect(dill.strerror(dill.ENOENT)).toMatch(/no such file/i);
    expect(dill.strerror(0)).not.toBe('');
    expect(typeof dill.strerror(999999)).toBe('string');
  });
});

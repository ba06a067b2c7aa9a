/**
 * dillwasm_brecvsome, the libdill-wasm C extension (libdill.h, under
 * DILLWASM_EXTENSIONS): receives what has arrived on a bytestream socket,
 * at most len bytes, waiting for the first one; EPIPE at the end of the
 * stream; on IPC and TCP a receive that times out or is canceled consumes
 * nothing and leaves the socket receiving. From C (test/extensions/
 * brecvsome.c, compiled with dillcc) and from the C-faithful TypeScript
 * layer, where it has no dill_ alias.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compile, deferred, node, sleep, text } from './helpers';
import { dill, errnoName, loadInstance, pair, tcpPair, useTempDir, dir, expectClosed } from './instance';

loadInstance();
useTempDir('brecvsome');

/** Sends `s` on `h`; the send must succeed. */
async function send(h: number, s: string): Promise<void> {
  const b = Buffer.from(s);
  expect(await dill.bsend(h, b, b.length, dill.now() + 5000)).toBe(0);
}

/** dillwasm_brecvsome into a buffer of `len` bytes: the text received, or the errno's name. */
async function some(h: number, len = 64, deadline = dill.now() + 5000): Promise<string> {
  const buf = new Uint8Array(len);
  const n = await dill.dillwasm_brecvsome(h, buf, len, deadline);
  if (n < 0) return errnoName();
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThanOrEqual(len);
  return text(buf.subarray(0, n));
}

test('the C program test/extensions/brecvsome.c, built with dillcc, passes its checks on IPC and TCP', () => {
  const src = fs.readFileSync(path.join(__dirname, 'extensions', 'brecvsome.c'), 'utf8');
  const js = compile(dir, 'brecvsome', src);
  const r = node([js], { timeout: 60000 });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('ok\n');
  expect(r.status).toBe(0);
});

test('a C program can test for the extension with DILLWASM_EXTENSIONS', () => {
  const js = compile(dir, 'ext', `
    #include <stdio.h>
    #include <libdill.h>
    int main(void) {
    #ifdef DILLWASM_EXTENSIONS
        printf("extensions %d\\n", DILLWASM_EXTENSIONS);
    #else
        printf("none\\n");
    #endif
        return 0;
    }`);
  const r = node([js]);
  expect(r.stdout).toBe('extensions 1\n');
});

test('in TypeScript it is api.dillwasm_brecvsome, with no dill_ alias (unlike the upstream functions)', () => {
  const any = dill as unknown as Record<string, unknown>;
  expect(typeof dill.dillwasm_brecvsome).toBe('function');
  expect(any.dill_dillwasm_brecvsome).toBeUndefined();
  expect(any.dill_brecvsome).toBeUndefined();
  expect(any.brecvsome).toBeUndefined();
  expect(typeof any.dill_brecv).toBe('function');
});

test('bad input fails as in the C program: EBADF, ENOTSUP, EFAULT; a buffer shorter than len is a TypeError', async () => {
  const buf = new Uint8Array(16);
  expect(await dill.dillwasm_brecvsome(-1, buf, 16, -1)).toBe(-1);
  expect(dill.errno).toBe(dill.EBADF);
  expect(await dill.dillwasm_brecvsome(12345, buf, 16, -1)).toBe(-1);
  expect(dill.errno).toBe(dill.EBADF);
  const ch = [-1, -1];
  expect(dill.chmake(ch)).toBe(0);
  expect(await dill.dillwasm_brecvsome(ch[0], buf, 16, -1)).toBe(-1);
  expect(dill.errno).toBe(dill.ENOTSUP);
  expect(dill.hclose(ch[0])).toBe(0);
  expect(dill.hclose(ch[1])).toBe(0);
  const [a, b] = pair();
  expect(await dill.dillwasm_brecvsome(b, null, 10, -1)).toBe(-1);
  expect(dill.errno).toBe(dill.EFAULT);
  // The binding checks the buffer against len before C sees it.
  expect(() => dill.dillwasm_brecvsome(b, buf, 64, -1)).toThrow(TypeError);
  expect(() => dill.dillwasm_brecvsome(b, buf, 2 ** 32 - 1, -1)).toThrow(TypeError);
  // len 0: nothing, at once.
  expect(await dill.dillwasm_brecvsome(b, buf, 0, -1)).toBe(0);
  // A closed handle.
  expect(dill.hclose(a)).toBe(0);
  expect(dill.hclose(b)).toBe(0);
  expect(await dill.dillwasm_brecvsome(b, buf, 16, -1)).toBe(-1);
  expect(dill.errno).toBe(dill.EBADF);
  expectClosed(b);
});

describe.each([
  ['ipc_pair', async () => pair(), 'ipc_done'],
  ['TCP on loopback', async () => tcpPair(), 'tcp_done'],
] as const)('on %s', (_name, make, doneFn) => {
  const done = (h: number) => dill[doneFn](h, dill.now() + 5000);

  test('at once: what has arrived, at most len, the rest for the next receive', async () => {
    const [a, b] = await make();
    await send(a, 'hello');
    await sleep(20);
    expect(await some(b)).toBe('hello');
    await send(a, 'abcdef');
    await sleep(20);
    expect(await some(b, 4)).toBe('abcd');
    const rest = Buffer.alloc(2);
    expect(await dill.brecv(b, rest, 2, dill.now() + 1000)).toBe(0);
    expect(rest.toString()).toBe('ef');
    // 100 KB sent at once arrives in chunks of at most len, in order.
    const big = Buffer.alloc(100000, 0).map((_, i) => i % 251);
    const sending = dill.bsend(a, big, big.length, dill.now() + 5000);
    const got: Buffer[] = [];
    let total = 0;
    while (total < big.length) {
      const buf = Buffer.alloc(8192);
      const n = await dill.dillwasm_brecvsome(b, buf, buf.length, dill.now() + 5000);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(8192);
      got.push(buf.subarray(0, n));
      total += n;
    }
    expect(await sending).toBe(0);
    expect(Buffer.concat(got).equals(big)).toBe(true);
    expect(got.length).toBeLessThan(big.length / 100);
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('waiting: it waits for the first byte, then gives what came', async () => {
    const [a, b] = await make();
    const t0 = dill.now();
    const buf = new Uint8Array(64);
    let settled = false;
    const pending = dill.dillwasm_brecvsome(b, buf, 64, dill.now() + 5000).then((n) => { settled = true; return n; });
    await sleep(30);
    expect(settled).toBe(false);
    await send(a, 'late');
    expect(await pending).toBe(4);
    expect(text(buf.subarray(0, 4))).toBe('late');
    expect(dill.now() - t0).toBeGreaterThanOrEqual(25);
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('EPIPE after the peer\'s done, once everything sent before was received, and again after', async () => {
    const [a, b] = await make();
    await send(a, 'tail');
    expect(await done(a)).toBe(0);
    expect(await some(b)).toBe('tail');
    expect(await some(b)).toBe('EPIPE');
    expect(await some(b)).toBe('EPIPE');
    // Waiting when the done comes.
    const [c, e] = await make();
    const waiting = some(e);
    await sleep(20);
    expect(await done(c)).toBe(0);
    expect(await waiting).toBe('EPIPE');
    for (const h of [a, b, c, e]) expect(dill.hclose(h)).toBe(0);
  });

  test('ETIMEDOUT, at once or waiting, consumes nothing: the socket still receives (brecv\'s would break it)', async () => {
    const [a, b] = await make();
    expect(await some(b, 64, 0)).toBe('ETIMEDOUT');
    const t0 = dill.now();
    expect(await some(b, 64, dill.now() + 40)).toBe('ETIMEDOUT');
    expect(dill.now() - t0).toBeGreaterThanOrEqual(35);
    await send(a, 'again');
    expect(await some(b)).toBe('again');
    // Waiting again after the timeout: the data arrives later.
    const waiting = some(b);
    await sleep(20);
    await send(a, 'later');
    expect(await waiting).toBe('later');
    // brecv after the timeouts works as well.
    await send(a, 'xyz');
    const x = Buffer.alloc(3);
    expect(await dill.brecv(b, x, 3, dill.now() + 1000)).toBe(0);
    expect(x.toString()).toBe('xyz');
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('ECANCELED (its coroutine closed while it waits) consumes nothing: the socket still receives', async () => {
    const [a, b] = await make();
    const ended = deferred<[number, number]>();
    const started = deferred();
    const h = dill.go(async () => {
      const p = dill.dillwasm_brecvsome(b, new Uint8Array(16), 16, -1);
      started.resolve();
      const n = await p;
      ended.resolve([n, dill.errno]);
    });
    expect(h).toBeGreaterThanOrEqual(0);
    await started.promise;
    await sleep(20);
    expect(dill.hclose(h)).toBe(0);
    expect(await ended.promise).toEqual([-1, dill.ECANCELED]);
    await send(a, 'x');
    expect(await some(b)).toBe('x');
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('EBUSY while another receive waits on the socket; the waiting one still gets the bytes', async () => {
    const [a, b] = await make();
    const buf = new Uint8Array(16);
    const first = dill.dillwasm_brecvsome(b, buf, 16, dill.now() + 5000);
    await sleep(10);
    expect(await some(b)).toBe('EBUSY');
    await send(a, 'mine');
    expect(await first).toBe(4);
    expect(text(buf.subarray(0, 4))).toBe('mine');
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });
});

/**
 * IPC in the idiomatic layer over unix socket paths in a temporary
 * directory: IpcListener and IpcSocket, iteration over chunks, deadlines
 * and AbortSignals, closing and disposal (`using`, close(),
 * closeGracefully), and passing descriptors.
 */
import * as fs from 'fs';
import { Dill, DillError, IpcSocket, IpcListener, Channel, Coroutine } from '../dist/index';
import { failure, stillPending, text } from './helpers';
import { d, dill as api, expectClosed, loadInstance, sockPath, useTempDir } from './instance';

loadInstance();
useTempDir('idiomatic');

/** A connected client and server socket over a fresh path. */
async function connected(): Promise<{ ls: IpcListener; server: IpcSocket; client: IpcSocket; at: string }> {
  const at = sockPath();
  const ls = await d.ipcListen(at);
  const accepting = ls.accept();
  const client = await d.ipcConnect(at);
  const server = await accepting;
  return { ls, server, client, at };
}

describe('IPC over a unix socket path', () => {
  test('server and client: iteration ends at the peer\'s done()', async () => {
    const at = sockPath();
    await using ls = await d.ipcListen(at, { backlog: 5 });
    expect(ls).toBeInstanceOf(IpcListener);
    expect(ls.path).toBe(at);
    expect(fs.statSync(at).isSocket()).toBe(true);
    // The server echoes every chunk until the client is done, then is done too.
    const server = d.go(async () => {
      await using s = await ls.accept();
      let total = 0;
      for await (const chunk of s) {
        total += chunk.length;
        await s.send(chunk);
      }
      await s.done();
      return total;
    });
    expect(server).toBeInstanceOf(Coroutine);

    const c = await d.ipcConnect(at);
    const echoed: string[] = [];
    const reader = d.go(async () => {
      for await (const chunk of c) echoed.push(text(chunk));
    });
    await c.send('hello, ');
    await d.sleep(d.now() + 10);
    await c.send(Buffer.from('world'));
    await c.done();
    await reader.wait();
    expect(echoed.join('')).toBe('hello, world');
    expect(await server.wait()).toBe(12);
    // Everything was received: the client's receive side reports EPIPE.
    expect(await failure(c.recv(1))).toMatchObject({ code: 'EPIPE', syscall: 'brecv' });
    c.close();
    server.close();
    reader.close();
    fs.unlinkSync(at);
  });

  test('done() -> the peer gets the bytes sent before, then recv throws EPIPE', async () => {
    const { ls, server, client } = await connected();
    await client.send('abc');
    await client.done();
    expect(text(await server.recv(3))).toBe('abc');
    const e = await failure(server.recv(1));
    expect(e).toMatchObject({ code: 'EPIPE', errno: api.EPIPE, syscall: 'brecv' });
    // Sending after done() fails too.
    expect(await failure(client.send('x'))).toMatchObject({ code: 'EPIPE', syscall: 'bsend' });
    for (const h of [ls, server, client]) h.close();
  });

  test('a chunk is what had arrived (up to maxChunk)', async () => {
    const [a, b] = d.ipcPair();
    const payload = new Uint8Array(3000).map((_, i) => i & 0xff);
    await a.send(payload);
    await a.done();
    const chunks: Uint8Array[] = [];
    for await (const chunk of b.chunks({ maxChunk: 1000 })) chunks.push(chunk);
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 1000]);
    expect(Buffer.concat(chunks).equals(Buffer.from(payload))).toBe(true);

    const [x, y] = d.ipcPair();
    const all: number[] = [];
    const reader = d.go(async () => {
      for await (const chunk of y) all.push(chunk.length);
    });
    await d.sleep(d.now() + 10);          // the reader waits for its first byte
    await x.send(payload);
    while (all.length === 0) await d.sleep(d.now() + 2);
    await x.send('tail');
    await x.done();
    await reader.wait();
    expect(all).toEqual([3000, 4]);
    for (const h of [a, b, x, y, reader]) h.close();
  });

  test('leaving the loop loses no byte and leaves nothing pending: the next recv gets what comes next', async () => {
    const [a, b] = d.ipcPair();
    await a.send('abc');
    for await (const chunk of b) {
      expect(text(chunk)).toBe('abc');
      break;                               // nothing stays pending
    }
    await a.send('defg');
    expect(text(await b.recv(4))).toBe('defg');
    await a.send('h');
    await a.done();
    const rest: string[] = [];
    for await (const chunk of b) rest.push(text(chunk));
    expect(rest.join('')).toBe('h');
    a.close();
    b.close();
  });

  test('iteration throws errors other than EPIPE', async () => {
    const [a, b] = d.ipcPair();
    await a.send('xy');
    const seen: string[] = [];
    const e = await failure((async () => {
      for await (const chunk of b.chunks({ deadline: d.now() + 40 })) seen.push(text(chunk));
    })());
    expect(seen).toEqual(['xy']);
    expect(e).toMatchObject({ code: 'ETIMEDOUT', syscall: 'dillwasm_brecvsome' });
    // The timed-out chunk receive consumed nothing: the socket still receives.
    await a.send('z');
    expect(text(await b.recv(1))).toBe('z');
    a.close();
    b.close();
  });

  test('deadline -> DillError ETIMEDOUT', async () => {
    const { ls, server, client } = await connected();
    const start = d.now();
    const e = await failure(server.recv(10, { deadline: start + 50 }));
    expect(e).toMatchObject({ code: 'ETIMEDOUT', errno: api.ETIMEDOUT, syscall: 'brecv' });
    expect(d.now() - start).toBeGreaterThanOrEqual(45);
    expect(await failure(ls.accept({ deadline: 0 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'ipc_accept' });
    for (const h of [ls, server, client]) h.close();
  });

  test('aborting a signal cancels a pending recv (rejected with the signal\'s reason)', async () => {
    const { ls, server, client } = await connected();
    const ac = new AbortController();
    const p = server.recv(1, { signal: ac.signal });
    expect(await stillPending(p)).toBe(true);
    ac.abort();
    await expect(p).rejects.toBe(ac.signal.reason);
    expect(ac.signal.reason).toMatchObject({ name: 'AbortError' });
    // As for a canceled brecv in C, the socket cannot receive any more.
    await client.send('z');
    expect((await failure(server.recv(1))).code).toBe('ECONNRESET');
    for (const h of [ls, server, client]) h.close();
  });

  test('aborting a pending accept leaves the listener usable', async () => {
    const at = sockPath();
    const ls = await d.ipcListen(at);
    const ac = new AbortController();
    const p = ls.accept({ signal: ac.signal });
    expect(await stillPending(p)).toBe(true);
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const accepting = ls.accept();
    const c = await d.ipcConnect(at);
    const s = await accepting;
    await c.send('ok');
    expect(text(await s.recv(2))).toBe('ok');
    for (const h of [ls, s, c]) h.close();
  });

  test('an already-aborted signal fails at once without entering the library', async () => {
    const [a, b] = d.ipcPair();
    const signal = AbortSignal.abort();
    await expect(b.recv(1, { signal })).rejects.toBe(signal.reason);
    await expect(a.send('q', { signal })).rejects.toBe(signal.reason);
    await expect(d.sleep(-1, { signal })).rejects.toBe(signal.reason);
    await expect(d.ipcConnect(sockPath(), { signal })).rejects.toBe(signal.reason);
    const it = b.chunks({ signal });
    await expect(it.next()).rejects.toBe(signal.reason);
    expect(signal.reason).toMatchObject({ name: 'AbortError' });
    // A brecv that had started and been canceled would have left b unable
    // to receive: it was never entered, so b works.
    await a.send('q');
    expect(text(await b.recv(1))).toBe('q');
    a.close();
    b.close();
  });

  test('await using closes the handle (the C-faithful hclose then gives EBADF)', async () => {
    const at = sockPath();
    let lsNum = -1;
    let clientNum = -1;
    let serverSawEnd = false;
    {
      await using ls = await d.ipcListen(at);
      lsNum = ls.handle;
      const server = d.go(async () => {
        await using s = await ls.accept();
        for await (const _ of s) { /* until EPIPE */ }
        serverSawEnd = true;
      });
      {
        await using c = await d.ipcConnect(at);
        clientNum = c.handle;
        expect(clientNum).toBeGreaterThanOrEqual(0);
        await c.send('bye');
      }
      // The client's orderly close (ipc_close) ended the server's iteration,
      // and the server's close answered it.
      await server.wait();
      expect(serverSawEnd).toBe(true);
      server.close();
    }
    expectClosed(clientNum);
    expectClosed(lsNum);
  });

  test('using closes channels and bundles; a closed object fails with EBADF without entering the library', async () => {
    let nums: number[] = [];
    let kept: Channel;
    {
      using b = d.bundle();
      const [c1, c2] = d.channel({ messageSize: 1 });
      using _c1 = c1;
      using _c2 = c2;
      nums = [b.handle, c1.handle, c2.handle];
      kept = c1;
    }
    for (const h of nums) expectClosed(h);
    expect(kept.closed).toBe(true);
    expect(kept.handle).toBe(-1);
    expect(await failure(kept.send(new Uint8Array(1)))).toMatchObject({ code: 'EBADF', syscall: 'chsend' });
    expect(() => kept.done()).toThrow(DillError);
    kept.close();                          // closing again does nothing
  });

  test('close() cancels the object\'s pending calls, then closes', async () => {
    const [a, b] = d.ipcPair();
    const num = b.handle;
    const p = b.recv(1);
    expect(await stillPending(p, 10)).toBe(true);
    b.close();
    expect(await failure(p)).toMatchObject({ code: 'ECANCELED', syscall: 'brecv' });
    expectClosed(num);
    expect(await failure(b.recv(1))).toMatchObject({ code: 'EBADF', syscall: 'brecv' });
    a.close();
  });

  test('closeGracefully waits for the peer\'s close; await using in a canceled coroutine still closes', async () => {
    const { ls, server, client } = await connected();
    const closing = client.closeGracefully();
    // The server sees the client's done, then closes in its turn.
    expect(await failure(server.recv(1))).toMatchObject({ code: 'EPIPE' });
    server.close();
    await closing;
    expect(client.closed).toBe(true);

    const [a, b] = d.ipcPair();
    let num = -1;
    const co = d.go(async () => {
      await using s = b;
      num = s.handle;
      await s.recv(1);                     // canceled: ECANCELED
    });
    await d.sleep(d.now() + 10);
    co.close();
    expect(await failure(co.result)).toMatchObject({ code: 'ECANCELED', syscall: 'brecv' });
    // The orderly close could not run in the canceled coroutine; the handle
    // was closed anyway.
    expectClosed(num);
    a.close();
    ls.close();
  });

  test('sendfd/recvfd pass a descriptor between sockets of the program', async () => {
    // A fresh instance numbers descriptors from 3 (0-2 are stdio): the
    // socketpair under p0/p1 is 3 and 4.
    const d2 = await Dill.load();
    const [p0, p1] = d2.ipcPair();
    const [a, b] = d2.ipcPair();
    await a.sendfd(3);
    const fd = await b.recvfd();
    expect(fd).toBeGreaterThan(6);
    // The descriptor received is p0's socket: what is sent on it reaches p1.
    const q = d2.ipcFromFd(fd);
    await q.send('via fd');
    expect(text(await p1.recv(6))).toBe('via fd');
    q.close();                             // closes descriptor fd
    expect(await failure(a.sendfd(fd))).toMatchObject({ code: 'EBADF', syscall: 'ipc_sendfd' });
    expect(await failure(a.sendfd(-1))).toMatchObject({ code: 'EBADF', syscall: 'ipc_sendfd' });
    // A plain byte where a descriptor was expected.
    await a.send('x');
    expect(await failure(b.recvfd())).toMatchObject({ code: 'EPROTO', syscall: 'ipc_recvfd' });
    for (const h of [p0, p1, a, b]) h.close();
  });
});

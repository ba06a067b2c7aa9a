/**
 * Which cancellations (a signal's abort, a timeout) leave an object usable
 * and which break it as libdill does: a receive or send of a socket that
 * failed while it waited breaks that direction for good (ECONNRESET after,
 * as in C); the other direction, a listener after an accept, a channel,
 * a bundle and sleep stay usable; a signal already aborted never enters
 * the library, so it breaks nothing.
 */
import { failure, stillPending, text } from './helpers';
import { d, loadInstance, sockPath, useTempDir } from './instance';

loadInstance();
useTempDir('usable');

/** What `p` rejects with. */
async function rejection(p: Promise<unknown>): Promise<any> {
  return p.then(() => { throw new Error('expected a rejection, the promise resolved'); }, (e: unknown) => e);
}

describe('which cancellations leave the object usable', () => {
  test('a receive aborted or timed out while waiting breaks receiving (ECONNRESET after, as in C); sending still works', async () => {
    const [a, b] = d.ipcPair();
    const ac = new AbortController();
    const p = b.recv(1, { signal: ac.signal });
    expect(await stillPending(p)).toBe(true);
    ac.abort();
    expect((await rejection(p)).name).toBe('AbortError');
    await a.send('z');
    expect(await failure(b.recv(1))).toMatchObject({ code: 'ECONNRESET', syscall: 'brecv' });
    // The other direction is untouched.
    await b.send('back');
    expect(text(await a.recv(4))).toBe('back');
    a.close(); b.close();

    const [c, e] = d.ipcPair();
    expect(await failure(e.recv(1, { timeout: 20 }))).toMatchObject({ code: 'ETIMEDOUT' });
    await c.send('z');
    expect(await failure(e.recv(1))).toMatchObject({ code: 'ECONNRESET' });
    c.close(); e.close();
  });

  test('a send that timed out while waiting for the peer to read breaks sending (ECONNRESET after); receiving still works', async () => {
    const [a, b] = d.ipcPair();
    // Far more than the socket buffers hold, and nobody reads it.
    expect(await failure(a.send(new Uint8Array(16 << 20), { timeout: 50 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'bsend' });
    expect(await failure(a.send('x'))).toMatchObject({ code: 'ECONNRESET', syscall: 'bsend' });
    await b.send('still');
    expect(text(await a.recv(5))).toBe('still');
    a.close(); b.close();
  });

  test('an already-aborted signal or an invalid timeout never enters the library: the socket stays usable', async () => {
    const [a, b] = d.ipcPair();
    expect((await rejection(b.recv(1, { signal: AbortSignal.abort() }))).name).toBe('AbortError');
    expect(await rejection(b.recv(1, { timeout: -5 }))).toBeInstanceOf(TypeError);
    await a.send('ok');
    expect(text(await b.recv(2))).toBe('ok');
    a.close(); b.close();
  });

  test('an aborted accept leaves the listener usable', async () => {
    const at = sockPath();
    const ls = await d.ipcListen(at);
    const ac = new AbortController();
    const p = ls.accept({ signal: ac.signal });
    expect(await stillPending(p)).toBe(true);
    ac.abort();
    expect((await rejection(p)).name).toBe('AbortError');
    expect(await failure(ls.accept({ timeout: 10 }))).toMatchObject({ code: 'ETIMEDOUT' });
    const accepting = ls.accept();
    const c = await d.ipcConnect(at);
    const s = await accepting;
    await c.send('hi');
    expect(text(await s.recv(2))).toBe('hi');
    for (const h of [ls, c, s]) h.close();
  });

  test('an aborted or timed-out channel receive leaves the channel usable', async () => {
    const [x, y] = d.channel({ messageSize: 2 });
    const ac = new AbortController();
    const p = x.recv({ signal: ac.signal });
    expect(await stillPending(p)).toBe(true);
    ac.abort();
    expect((await rejection(p)).name).toBe('AbortError');
    expect(await failure(x.recv({ timeout: 10 }))).toMatchObject({ code: 'ETIMEDOUT' });
    const sending = y.send(new Uint8Array([1, 2]));
    expect([...await x.recv()]).toEqual([1, 2]);
    await sending;
    x.close(); y.close();
  });

  test('an aborted bundle.wait() leaves the bundle running and waitable', async () => {
    const b = d.bundle();
    let done = false;
    b.go(async () => { await d.sleep({ timeout: 60 }); done = true; });
    const ac = new AbortController();
    const w = b.wait({ signal: ac.signal });
    ac.abort(new Error('stop waiting'));
    expect((await rejection(w)).message).toBe('stop waiting');
    await b.wait({ timeout: 5000 });
    expect(done).toBe(true);
    b.close();
  });
});

/**
 * Every blocking call of the idiomatic layer takes `{ timeout }` in ms
 * (relative, Node's convention) besides `{ deadline }` (absolute, on
 * d.now()'s clock): the earlier wins; an invalid timeout is a TypeError at
 * once; d.sleep's first argument is an absolute deadline, `{ timeout }`
 * makes it relative.
 */
import { DillError } from '../dist/index';
import { failure, stillPending, text } from './helpers';
import { d, loadInstance, sockPath, useTempDir } from './instance';

loadInstance();
useTempDir('timeout');

describe('blocking calls take { timeout } in ms', () => {
  test('recv with { timeout: 50 } on a socket nobody writes to fails with ETIMEDOUT after about 50 ms', async () => {
    const [a, b] = d.ipcPair();
    const t0 = performance.now();
    const e = await failure(b.recv(1, { timeout: 50 }));
    const took = performance.now() - t0;
    expect(e).toBeInstanceOf(DillError);
    expect(e).toMatchObject({ code: 'ETIMEDOUT', syscall: 'brecv' });
    expect(took).toBeGreaterThanOrEqual(45);
    expect(took).toBeLessThan(1000);
    a.close(); b.close();
  });

  test('timeout 0 tries once without blocking; data already there is received', async () => {
    const [a, b] = d.ipcPair();
    expect(await failure(b.recv(1, { timeout: 0 }))).toMatchObject({ code: 'ETIMEDOUT' });
    const [c, e] = d.ipcPair();
    await c.send('hi');
    expect(text(await e.recv(2, { timeout: 0 }))).toBe('hi');
    for (const h of [a, b, c, e]) h.close();
  });

  test('with deadline and timeout both given, the earlier wins', async () => {
    const [a, b] = d.ipcPair();
    // The timeout is earlier.
    let t0 = performance.now();
    expect(await failure(b.recv(1, { timeout: 40, deadline: d.now() + 5000 }))).toMatchObject({ code: 'ETIMEDOUT' });
    expect(performance.now() - t0).toBeLessThan(1000);
    // The deadline is earlier.
    const [c, e] = d.ipcPair();
    t0 = performance.now();
    expect(await failure(e.recv(1, { timeout: 5000, deadline: d.now() + 40 }))).toMatchObject({ code: 'ETIMEDOUT' });
    expect(performance.now() - t0).toBeLessThan(1000);
    // A deadline of -1 (none) leaves the timeout.
    const [f, g] = d.ipcPair();
    t0 = performance.now();
    expect(await failure(g.recv(1, { timeout: 40, deadline: -1 }))).toMatchObject({ code: 'ETIMEDOUT' });
    expect(performance.now() - t0).toBeLessThan(1000);
    for (const h of [a, b, c, e, f, g]) h.close();
  });

  test('other blocking calls take it too: accept, channel recv, bundle wait', async () => {
    const ls = await d.ipcListen(sockPath());
    expect(await failure(ls.accept({ timeout: 30 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'ipc_accept' });
    ls.close();
    const [ch1, ch2] = d.channel({ messageSize: 1 });
    expect(await failure(ch1.recv({ timeout: 30 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'chrecv' });
    ch1.close(); ch2.close();
    const b = d.bundle();
    b.go(() => d.sleep(-1));
    expect(await failure(b.wait({ timeout: 30 }))).toMatchObject({ code: 'ETIMEDOUT', syscall: 'bundle_wait' });
    b.close();
  });

  test('an invalid timeout (negative, NaN, not a number) is a TypeError at once', async () => {
    const [a, b] = d.ipcPair();
    for (const timeout of [-1, NaN, '50', null]) {
      const p = b.recv(1, { timeout: timeout as number });
      await expect(p).rejects.toBeInstanceOf(TypeError);
      await expect(d.sleep({ timeout: timeout as number })).rejects.toBeInstanceOf(TypeError);
    }
    // Nothing was started: b still receives.
    await a.send('k');
    expect(text(await b.recv(1, { timeout: 1000 }))).toBe('k');
    a.close(); b.close();
  });

  test('d.sleep: its number is an absolute deadline; { timeout } sleeps that many ms', async () => {
    // d.sleep(100): time 100 on d.now()'s clock is long past: returns at once.
    expect(d.now()).toBeGreaterThan(100);
    let t0 = performance.now();
    await d.sleep(100);
    expect(performance.now() - t0).toBeLessThan(40);
    // Absolute, as in C.
    t0 = performance.now();
    await d.sleep(d.now() + 60);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    // Relative, as in Node.
    t0 = performance.now();
    await d.sleep({ timeout: 60 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    // Both: the earlier wins.
    t0 = performance.now();
    await d.sleep(d.now() + 5000, { timeout: 30 });
    expect(performance.now() - t0).toBeLessThan(1000);
    // A sleep with a timeout can still be aborted.
    const ac = new AbortController();
    const s = d.sleep({ timeout: 5000, signal: ac.signal });
    expect(await stillPending(s)).toBe(true);
    ac.abort();
    await expect(s).rejects.toMatchObject({ name: 'AbortError' });
  });
});

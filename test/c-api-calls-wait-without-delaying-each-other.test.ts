/**
 * The concurrency model of the C-faithful layer: a call that waits never
 * delays calls on other handles, and thousands of calls can wait at once.
 */
import * as fs from 'fs';
import { chan, dill, loadInstance, pair, sockPath, useTempDir } from './instance';

loadInstance();
useTempDir('tsapi');

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

/**
 * A coroutine gets its own AbortSignal (`d.go(async ({ signal }) => ...)`,
 * `bundle.go(...)`) that fires when it is cancelled (its Coroutine or its
 * bundle closed, `using` scope exit), with a DillError ECANCELED as its
 * reason, so that it can cancel Node's timers, fetch and streams too. A
 * coroutine that finishes never sees it abort; zero-argument functions
 * still work. An abort thrown because of the cancellation is not reported.
 */
import * as path from 'path';
import { spawnSync } from 'child_process';
import { setTimeout as delay } from 'timers/promises';
import { DillError } from '../dist/index';
import { d, loadInstance } from './instance';

loadInstance();

const INDEX = path.resolve(__dirname, '..', 'dist', 'index.js');

describe('a coroutine gets an abort signal that fires when it is cancelled', () => {
  test('closing the Coroutine aborts its signal, with a DillError ECANCELED', async () => {
    let seen: AbortSignal | undefined;
    const co = d.go(async ({ signal }) => {
      seen = signal;
      await d.sleep({ timeout: 10000 });
    });
    await delay(5);
    expect(seen).toBeDefined();
    expect(seen!.aborted).toBe(false);
    expect(co.signal).toBe(seen);
    co.close();
    await delay(0);
    expect(seen!.aborted).toBe(true);
    expect(seen!.reason).toBeInstanceOf(DillError);
    expect(seen!.reason).toMatchObject({ code: 'ECANCELED' });
  });

  test('the abort event fires once, when the coroutine is closed; `using` closes it too', async () => {
    const events: string[] = [];
    let signal!: AbortSignal;
    {
      using co = d.go(async (ctx) => {
        signal = ctx.signal;
        ctx.signal.addEventListener('abort', () => events.push('abort'));
        await d.sleep({ timeout: 10000 });
      });
      await delay(5);
      expect(events).toEqual([]);
      void co;
    }
    expect(events).toEqual(['abort']);
    expect(signal.aborted).toBe(true);
  });

  test("closing a bundle aborts each of its running coroutines' signals", async () => {
    const b = d.bundle();
    const signals: AbortSignal[] = [];
    const outcomes: Promise<unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      const p = b.go(async ({ signal }) => {
        signals.push(signal);
        await d.sleep({ timeout: 10000 });
      });
      p.catch(() => {});
      outcomes.push(p);
    }
    await delay(5);
    expect(signals).toHaveLength(3);
    expect(signals.every((s) => !s.aborted)).toBe(true);
    b.close();
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(new Set(signals).size).toBe(3);
    for (const s of signals) expect(s.reason).toMatchObject({ code: 'ECANCELED' });
    for (const p of outcomes) await expect(p).rejects.toMatchObject({ code: 'ECANCELED' });
  });

  test('the signal cancels a Node timer inside the coroutine (d.go and bundle.go)', async () => {
    const t0 = Date.now();
    const co = d.go(async ({ signal }) => {
      await delay(10000, undefined, { signal });
      return 'timer ran out';
    });
    const r = co.result.then((v) => ({ v }), (e: unknown) => ({ e }));
    await delay(10);
    co.close();
    const out = await r;
    expect(out).toHaveProperty('e');
    const e = (out as { e: any }).e;
    expect(e.name).toBe('AbortError');
    expect(e.cause).toBe(co.signal.reason);
    expect(Date.now() - t0).toBeLessThan(5000);

    const b = d.bundle();
    const p = b.go(async ({ signal }) => { await delay(10000, undefined, { signal }); });
    await delay(10);
    b.close();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test('a coroutine that finishes normally never sees its signal abort', async () => {
    let s1!: AbortSignal;
    let s2!: AbortSignal;
    let aborts = 0;
    const co = d.go(async ({ signal }) => {
      s1 = signal;
      signal.addEventListener('abort', () => aborts++);
      await d.sleep({ timeout: 5 });
      return 7;
    });
    expect(await co.wait()).toBe(7);
    co.close();
    const b = d.bundle();
    expect(await b.go(async ({ signal }) => {
      s2 = signal;
      signal.addEventListener('abort', () => aborts++);
      return 'done';
    })).toBe('done');
    await b.wait();
    b.close();
    await delay(5);
    expect(s1.aborted).toBe(false);
    expect(s2.aborted).toBe(false);
    expect(aborts).toBe(0);
  });

  test('zero-argument functions still work', async () => {
    const co = d.go(async () => { await d.sleep({ timeout: 1 }); return 'zero'; });
    expect(await co.wait()).toBe('zero');
    co.close();
    const sync = d.go(() => 42);
    expect(await sync.result).toBe(42);
    sync.close();
    const b = d.bundle();
    const f = (): Promise<string> => Promise.resolve('b');
    expect(await b.go(f)).toBe('b');
    await b.wait();
    b.close();
  });

  test('an abort of a Node timer caused by closing is not reported as an unhandled rejection', () => {
    const src = `const { Dill } = require(${JSON.stringify(INDEX)});
const { setTimeout: delay } = require('timers/promises');
(async () => {
  const d = await Dill.load();
  const co = d.go(async ({ signal }) => { await delay(10000, undefined, { signal }); });
  const b = d.bundle();
  b.go(async ({ signal }) => { await delay(10000, undefined, { signal }); });
  b.go(async ({ signal }) => { await new Promise((_, rej) => signal.addEventListener('abort', () => rej(signal.reason))); });
  await delay(10);
  co.close();
  b.close();
  await delay(50);
  console.log('alive');
})();`;
    const r = spawnSync(process.execPath, ['-e', src], { encoding: 'utf8', timeout: 20000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('alive\n');
    expect(r.status).toBe(0);
  });
});

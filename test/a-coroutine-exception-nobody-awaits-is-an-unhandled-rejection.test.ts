/**
 * Errors surface: an exception thrown in a coroutine of the idiomatic
 * layer (`d.go`, `bundle.go`) that nobody awaits reaches the process as an
 * ordinary unhandled rejection (Node's default prints it and exits with
 * code 1); one that is awaited (`wait()`, `result`, the promise of
 * `bundle.go`, a `bundle.wait()` in progress) is not reported again; the
 * ECANCELED of a closed coroutine's calls is not an error to report.
 * In the C-faithful layer (`go`, `bundle_go`) the exception is always an
 * unhandled rejection (C has nowhere to put it). Each case runs in a child
 * process.
 */
import { PACKAGE_INDEX, runPackageScript } from './helpers';

function runScript(body: string) {
  return runPackageScript(`const d = await Dill.load();
${body}`, `const { Dill } = require(${JSON.stringify(PACKAGE_INDEX)});`);
}

describe('an exception nobody awaits is an unhandled rejection', () => {
  test('thrown in d.go(): reported, exit code 1', () => {
    const r = runScript(`
      d.go(async () => { await d.sleep(d.now() + 5); throw new Error('nobody awaits me'); });
      setTimeout(() => console.log('still running'), 2000);`);
    expect(r.stderr).toContain('Error: nobody awaits me');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
  });

  test('thrown in bundle.go(): reported, exit code 1', () => {
    const r = runScript(`
      const b = d.bundle();
      b.go(async () => { await d.sleep(d.now() + 5); throw new Error('nobody awaits me either'); });
      setTimeout(() => console.log('still running'), 2000);`);
    expect(r.stderr).toContain('Error: nobody awaits me either');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
  });

  test("the application's unhandledRejection handler gets the coroutine's own error", () => {
    const r = runScript(`
      const mine = new Error('mine'), ours = new Error('ours'), seen = [];
      process.on('unhandledRejection', (e) => seen.push(e === mine ? 'mine' : e === ours ? 'ours' : String(e)));
      d.go(async () => { throw mine; });
      const b = d.bundle();
      b.go(async () => { throw ours; });
      await d.sleep(d.now() + 20);
      console.log(seen.sort().join(), 'alive');`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('mine,ours alive\n');
    expect(r.status).toBe(0);
  });

  test('thrown after a wait() gave up at its deadline: reported', () => {
    const r = runScript(`
      const co = d.go(async () => { await d.sleep(d.now() + 50); throw new Error('too late'); });
      try { await co.wait({ deadline: d.now() + 5 }); } catch (e) { console.log(e.code); }
      const b = d.bundle();
      b.go(async () => { throw new Error('held for the wait'); });
      b.go(() => d.sleep(d.now() + 1000));
      try { await b.wait({ deadline: d.now() + 20 }); } catch (e) { console.log(e.code); }`);
    expect(r.stdout).toBe('ETIMEDOUT\nETIMEDOUT\n');
    expect(r.stderr).toContain('Error: held for the wait');
    expect(r.status).toBe(1);
  });
});

describe('an exception someone awaits is not reported again', () => {
  test('d.go(): through wait() or result, even if thrown before wait() returns', () => {
    const r = runScript(`
      const a = d.go(async () => { throw new Error('at once'); });
      try { await a.wait(); } catch (e) { console.log('wait', e.message); }
      const b = d.go(async () => { await d.sleep(d.now() + 5); throw new Error('later'); });
      try { await b.wait({ deadline: d.now() + 5000 }); } catch (e) { console.log('wait', e.message); }
      const c = d.go(async () => { throw new Error('result'); });
      try { await c.result; } catch (e) { console.log('result', e.message); }
      await d.sleep(d.now() + 20);
      console.log('done');`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('wait at once\nwait later\nresult result\ndone\n');
    expect(r.status).toBe(0);
  });

  test('bundle.go(): through its promise, or bundle.wait() (an AggregateError for several)', () => {
    const r = runScript(`
      const b = d.bundle();
      try { await b.go(async () => { throw new Error('awaited'); }); } catch (e) { console.log('go', e.message); }
      try { await b.wait(); } catch (e) { console.log('wait', e.message); }
      b.go(async () => { throw new Error('one'); });
      b.go(async () => 'fine');
      b.go(async () => { await d.sleep(d.now() + 10); throw new Error('two'); });
      const t0 = d.now();
      b.go(() => d.sleep(t0 + 40));
      try { await b.wait(); } catch (e) {
        console.log(e.name, e.errors.map((x) => x.message).join(), d.now() - t0 >= 40);
      }
      await b.wait();
      b.close();
      await d.sleep(d.now() + 20);
      console.log('done');`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('go awaited\nwait awaited\nAggregateError one,two true\ndone\n');
    expect(r.status).toBe(0);
  });

  test('closing a coroutine or a bundle: the ECANCELED of its calls is not reported', () => {
    const r = runScript(`
      const [tx, rx] = d.channel({ messageSize: 1 });
      const co = d.go(() => rx.recv());
      const b = d.bundle();
      b.go(() => rx.recv());
      b.go(() => d.sleep(-1));
      const w = b.wait().catch((e) => console.log('wait', e.code));
      await d.sleep(d.now() + 5);
      co.close();
      b.close();
      await w;
      await d.sleep(d.now() + 20);
      tx.close(); rx.close();
      console.log('done');`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('wait ECANCELED\ndone\n');
    expect(r.status).toBe(0);
  });
});

describe('the C-faithful layer', () => {
  test("go() and bundle_go(): the function's exception is an unhandled rejection; bundle_wait returns 0 as in C", () => {
    const r = runScript(`
      const dill = d.api, seen = [];
      process.on('unhandledRejection', (e) => seen.push(e.message));
      const b = dill.bundle();
      dill.go(async () => { throw new Error('from go'); });
      dill.bundle_go(b, async () => { await dill.msleep(dill.now() + 5); throw new Error('from bundle_go'); });
      console.log('bundle_wait', await dill.bundle_wait(b, -1));
      await dill.msleep(dill.now() + 20);
      console.log(seen.sort().join());`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('bundle_wait 0\nfrom bundle_go,from go\n');
    expect(r.status).toBe(0);
  });
});

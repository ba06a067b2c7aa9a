/**
 * When a Node process using the library exits: pending calls keep it alive
 * (as a pending read on a Node socket does); a deadline left over from a
 * call that ended early or was cancelled does not.
 */
import { PACKAGE_INDEX, runPackageScript } from './helpers';

function runScript(body: string) {
  return runPackageScript(body, `const { load } = require(${JSON.stringify(PACKAGE_INDEX)});`);
}

test('a pending msleep keeps the process alive until it completes', () => {
  const r = runScript(`
    const d = await load();
    d.msleep(d.now() + 300).then((rc) => console.log('slept', rc));`);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('slept 0\n');
});

test('a cancelled long msleep does not keep the process alive', () => {
  const r = runScript(`
    const d = await load();
    const h = d.go(async () => { console.log('msleep', await d.msleep(d.now() + 8000), d.errno === d.ECANCELED); });
    await d.msleep(d.now() + 10);
    d.hclose(h);`);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('msleep -1 true\n');
  expect(r.ms).toBeLessThan(5000);
});

test('a brecv that completed before its deadline leaves nothing behind', () => {
  const r = runScript(`
    const d = await load();
    const p = [];
    d.ipc_pair(p);
    const got = d.brecv(p[1], new Uint8Array(1), 1, d.now() + 8000);
    await d.bsend(p[0], new Uint8Array([7]), 1, -1);
    console.log('brecv', await got);
    d.hclose(p[0]); d.hclose(p[1]);`);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('brecv 0\n');
  expect(r.ms).toBeLessThan(5000);
});

/**
 * The library touches no process-wide state: loading it installs no
 * 'uncaughtException' or 'unhandledRejection' handler (Emscripten's loader
 * does by default, and then any error anywhere in the application exits
 * with code 7), so the application's own handlers and Node's defaults
 * behave as without it.  Each case runs in a child process.
 */
import { PACKAGE_INDEX, runPackageScript } from './helpers';

function runScript(body: string) {
  return runPackageScript(body, `const { load } = require(${JSON.stringify(PACKAGE_INDEX)});`);
}

test('loading the library adds no handler to process', () => {
  const r = runScript(`
    const before = ['uncaughtException', 'unhandledRejection', 'exit'].map((e) => process.listenerCount(e));
    const d = await load();
    await load();
    await d.msleep(d.now() + 1);
    const after = ['uncaughtException', 'unhandledRejection', 'exit'].map((e) => process.listenerCount(e));
    console.log(JSON.stringify(before) === JSON.stringify(after) ? 'same' : 'before ' + before + ' after ' + after);`);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('same\n');
  expect(r.status).toBe(0);
});

test("an application's uncaughtException handler sees its own error and keeps the process alive", () => {
  const r = runScript(`
    const d = await load();
    process.on('uncaughtException', (e) => console.log('caught', e.message));
    setTimeout(() => { throw new Error('mine'); }, 1);
    setTimeout(async () => {
      console.log('alive', await d.msleep(d.now() + 1));
    }, 50);`);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('caught mine\nalive 0\n');
  expect(r.status).toBe(0);
});

test("an unhandled rejection gets Node's default: reported, exit code 1", () => {
  const r = runScript(`
    const d = await load();
    await d.msleep(d.now() + 1);
    Promise.reject(new Error('nobody awaits me'));`);
  expect(r.stderr).toContain('nobody awaits me');
  expect(r.stderr).not.toContain('libdill.js');
  expect(r.status).toBe(1);
});

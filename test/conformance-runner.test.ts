/**
 * dill-conformance: include resolution as cc's, skipping unimplemented
 * functions, the working directory, exit status, JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { node, tmpdir, CONFORMANCE, ROOT } from './helpers';

let dir: string;
let t: string;
let json: any;
let status1: number | null;
let text: string;
let status2: number | null;

beforeAll(() => {
  dir = tmpdir('runner');
  t = path.join(dir, 'tests');
  fs.mkdirSync(t);
  // Upstream's tree: tests/ has an assert.h of its own that wraps the
  // system's <assert.h>, and the folder above holds upstream's libdill.h,
  // which must not be used (here it would not compile).
  fs.writeFileSync(path.join(t, 'assert.h'),
    '#include <assert.h>\n#include <stdlib.h>\n' +
    '#define own_assert(x) do { if(!(x)) exit(99); } while(0)\n#define OWN_ASSERT 1\n');
  fs.writeFileSync(path.join(dir, 'libdill.h'), '#error upstream header used\n');
  fs.writeFileSync(path.join(dir, 'libdillimpl.h'), '#error upstream header used\n');
  fs.writeFileSync(path.join(t, 'upstream-style.c'), `
    #include "assert.h"
    #include "../libdill.h"
    #include "../libdillimpl.h"
    #ifndef OWN_ASSERT
    #error own assert.h not used
    #endif
    coroutine static void f(int ch) { int v = 1; chsend(ch, &v, sizeof(v), -1); }
    int main(void) {
        int ch[2]; assert(chmake(ch) == 0);
        int h = go(f(ch[0])); int v = 0;
        assert(chrecv(ch[1], &v, sizeof(v), -1) == 0 && v == 1);
        own_assert(hclose(h) == 0);
        return 0;
    }`);
  fs.writeFileSync(path.join(t, 'angle-include.c'),
    '#include <libdill.h>\nint main(void) { return msleep(now() + 1); }\n');
  fs.writeFileSync(path.join(t, 'own-assert-fails.c'),
    '#include "assert.h"\n#include "libdill.h"\nint main(void) { own_assert(now() < 0); return 0; }\n');
  // A test harness runs tests from the project's root: tests/... is there.
  fs.writeFileSync(path.join(t, 'data.txt'), 'cwd data\n');
  fs.writeFileSync(path.join(t, 'opens-tests-file.c'), `
    #include <stdio.h>
    #include <string.h>
    #include "../libdill.h"
    int main(void) {
        FILE *f = fopen("tests/data.txt", "r");
        if(!f) { perror("tests/data.txt"); return 3; }
        char buf[16] = {0};
        fgets(buf, sizeof(buf), f);
        fclose(f);
        return strcmp(buf, "cwd data\\n") == 0 ? 0 : 4;
    }`);
  // Every name of upstream's API is declared now: these two hide one (raw
  // names off) so that the compiler meets a libdill name it does not know,
  // as it would in a build that lacks the function or type.
  fs.writeFileSync(path.join(t, 'uses-future-function.c'),
    '#define DILL_DISABLE_RAW_NAMES\n#include "../libdill.h"\nint main(void) { return tls_done(0, -1); }\n');
  fs.writeFileSync(path.join(t, 'uses-future-type.c'),
    '#define DILL_DISABLE_RAW_NAMES\n#include <libdill.h>\nint main(void) { struct dtls_storage s; (void)s; return 0; }\n');
  fs.writeFileSync(path.join(t, 'real-compile-error.c'),
    '#include "libdill.h"\nint main(void) { return not_a_dill_name(); }\n');
  fs.writeFileSync(path.join(t, 'hangs.c'),
    '#include "libdill.h"\nint main(void) { int ch[2]; chmake(ch); int v; chrecv(ch[0], &v, sizeof(v), -1); return 0; }\n');
  fs.writeFileSync(path.join(t, 'notes.txt'), 'not a test');
  const r1 = node([CONFORMANCE, '--json', '--timeout', '3', 'tests'], { cwd: dir, timeout: 300000 });
  json = JSON.parse(r1.stdout);
  status1 = r1.status;
  const r2 = node([CONFORMANCE, '--timeout', '3', path.join(t, 'angle-include.c'),
    path.join(t, 'uses-future-function.c')], { timeout: 300000 });
  text = r2.stdout;
  status2 = r2.status;
}, 600000);

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const byName = (n: string) => json.results.find((r: any) => r.test === n);

test('JSON output has one entry per .c file and the totals', () => {
  expect(json.results.map((r: any) => r.test).sort()).toEqual([
    'angle-include', 'hangs', 'opens-tests-file', 'own-assert-fails', 'real-compile-error',
    'upstream-style', 'uses-future-function', 'uses-future-type']);
  expect([json.passed, json.failed, json.skipped]).toEqual([3, 3, 2]);
  for (const r of json.results) {
    expect(Object.keys(r).sort()).toEqual(['exitCode', 'ms', 'reason', 'status', 'test']);
  }
});

test('includes resolve as cc\'s: the test\'s own assert.h wraps <assert.h>; "../libdill.h" is ours', () => {
  expect(byName('upstream-style')).toMatchObject({ status: 'passed', reason: '' });
  expect(byName('angle-include').status).toBe('passed');
  expect(byName('own-assert-fails')).toMatchObject({ status: 'failed', exitCode: 99 });
});

test('a program using a function or type we lack is skipped, naming it', () => {
  expect(byName('uses-future-function')).toMatchObject({ status: 'skipped', exitCode: null });
  expect(byName('uses-future-function').reason).toMatch(/tls_done/);
  expect(byName('uses-future-type')).toMatchObject({ status: 'skipped', exitCode: null });
  expect(byName('uses-future-type').reason).toMatch(/dtls_storage/);
});

test('other compile errors fail, and a hanging program is killed at the time limit', () => {
  expect(byName('real-compile-error').status).toBe('failed');
  expect(byName('real-compile-error').reason).toMatch(/not_a_dill_name/);
  // The message names the program where it is, not a scratch copy.
  expect(byName('real-compile-error').reason).toContain(path.join(t, 'real-compile-error.c'));
  expect(byName('hangs')).toMatchObject({ status: 'failed', exitCode: null });
  expect(byName('hangs').reason).toMatch(/timed out/);
});

test('the table ends with the N passed, N failed, N skipped line', () => {
  const lines = text.trim().split('\n');
  expect(lines[0]).toMatch(/^test\s+compiled\s+exit\s+time\s+result/);
  expect(lines[lines.length - 1]).toBe('1 passed, 0 failed, 1 skipped');
});

test('exit status: 1 when a program failed or was skipped, 0 with --allow-skipped and no failure', () => {
  expect(status1).toBe(1);
  expect(status2).toBe(1);
  const ok = node([CONFORMANCE, '--allow-skipped', '--timeout', '3', path.join(t, 'angle-include.c'),
    path.join(t, 'uses-future-function.c')], { timeout: 300000 });
  expect(ok.stdout.trim().split('\n').pop()).toBe('1 passed, 0 failed, 1 skipped');
  expect(ok.status).toBe(0);
  const all = node([CONFORMANCE, path.join(t, 'angle-include.c')], { timeout: 300000 });
  expect(all.stdout.trim().split('\n').pop()).toBe('1 passed, 0 failed, 0 skipped');
  expect(all.status).toBe(0);
}, 300000);

test('programs run in the runner\'s working directory, or --cwd DIR', () => {
  // From the folder above tests/ (r1): tests/data.txt is found.
  expect(byName('opens-tests-file')).toMatchObject({ status: 'passed', reason: '' });
  // From elsewhere it is not; --allow-skipped does not excuse a failure.
  const elsewhere = tmpdir('runner-cwd');
  try {
    const r = node([CONFORMANCE, '--json', '--allow-skipped', path.join(t, 'opens-tests-file.c'),
      path.join(t, 'uses-future-function.c')], { cwd: elsewhere, timeout: 300000 });
    const out = JSON.parse(r.stdout);
    expect(out.results[0]).toMatchObject({ test: 'opens-tests-file', status: 'failed', exitCode: 3 });
    expect(out.results[0].reason).toMatch(/tests\/data.txt: No such file or directory/);
    expect(r.status).toBe(1);
  } finally {
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
  // --cwd DIR, relative to where the runner starts.
  const r = node([CONFORMANCE, '--json', '--cwd', path.relative(ROOT, dir), path.join(t, 'opens-tests-file.c')],
    { cwd: ROOT, timeout: 300000 });
  expect(JSON.parse(r.stdout)).toMatchObject({ passed: 1, failed: 0, skipped: 0 });
  expect(r.status).toBe(0);
  const bad = node([CONFORMANCE, '--cwd', path.join(dir, 'no-such-dir'), path.join(t, 'angle-include.c')]);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--cwd: .*no-such-dir is not a directory/);
}, 300000);

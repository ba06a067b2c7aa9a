/** dill-conformance: staging, skipping unimplemented functions, status, JSON. */
import * as fs from 'fs';
import * as path from 'path';
import { node, tmpdir, CONFORMANCE } from './helpers';

let dir: string;
let json: any;
let text: string;

beforeAll(() => {
  dir = tmpdir('runner');
  const t = path.join(dir, 'tests');
  fs.mkdirSync(t);
  // Upstream style: "../libdill.h" and an assert.h of its own beside it.
  fs.writeFileSync(path.join(t, 'assert.h'),
    '#include <stdlib.h>\n#define assert(x) do { if(!(x)) exit(99); } while(0)\n#define OWN_ASSERT 1\n');
  fs.writeFileSync(path.join(t, 'upstream-style.c'), `
    #include "assert.h"
    #include "../libdill.h"
    #ifndef OWN_ASSERT
    #error own assert.h not used
    #endif
    coroutine static void f(int ch) { int v = 1; chsend(ch, &v, sizeof(v), -1); }
    int main(void) {
        int ch[2]; assert(chmake(ch) == 0);
        int h = go(f(ch[0])); int v = 0;
        assert(chrecv(ch[1], &v, sizeof(v), -1) == 0 && v == 1);
        hclose(h); return 0;
    }`);
  fs.writeFileSync(path.join(t, 'angle-include.c'),
    '#include <libdill.h>\nint main(void) { return msleep(now() + 1); }\n');
  fs.writeFileSync(path.join(t, 'own-assert-fails.c'),
    '#include "assert.h"\n#include "libdill.h"\nint main(void) { assert(now() < 0); return 0; }\n');
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
  const r1 = node([CONFORMANCE, '--json', '--timeout', '3', t], { timeout: 300000 });
  json = JSON.parse(r1.stdout);
  const r2 = node([CONFORMANCE, '--timeout', '3', path.join(t, 'angle-include.c'),
    path.join(t, 'uses-future-function.c')], { timeout: 300000 });
  text = r2.stdout;
  expect(r2.status).toBe(0);
}, 600000);

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const byName = (n: string) => json.results.find((r: any) => r.test === n);

test('JSON output has one entry per .c file and the totals', () => {
  expect(json.results.map((r: any) => r.test).sort()).toEqual([
    'angle-include', 'hangs', 'own-assert-fails', 'real-compile-error',
    'upstream-style', 'uses-future-function', 'uses-future-type']);
  expect([json.passed, json.failed, json.skipped]).toEqual([2, 3, 2]);
  for (const r of json.results) {
    expect(Object.keys(r).sort()).toEqual(['exitCode', 'ms', 'reason', 'status', 'test']);
  }
});

test('"../libdill.h" and the test\'s own assert.h beside it are used', () => {
  expect(byName('upstream-style').status).toBe('passed');
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
  expect(byName('hangs')).toMatchObject({ status: 'failed', exitCode: null });
  expect(byName('hangs').reason).toMatch(/timed out/);
});

test('the table ends with the N passed, N failed, N skipped line', () => {
  const lines = text.trim().split('\n');
  expect(lines[0]).toMatch(/^test\s+compiled\s+exit\s+time\s+result/);
  expect(lines[lines.length - 1]).toBe('1 passed, 0 failed, 1 skipped');
});

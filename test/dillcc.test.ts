/** dillcc builds a libdill C program that node runs like the native program. */
import * as fs from 'fs';
import * as path from 'path';
import { compile, node, tmpdir, DILLCC } from './helpers';

let dir: string;
beforeAll(() => { dir = tmpdir('dillcc'); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

test('the program gets its arguments and exits with main\'s return value', () => {
  const js = compile(dir, 'args', `
    #include <stdio.h>
    #include <stdlib.h>
    #include <libdill.h>
    int main(int argc, char **argv) {
        for(int i = 1; i < argc; i++) printf("[%s]", argv[i]);
        printf("\\n");
        fprintf(stderr, "to stderr\\n");
        return atoi(argv[1]);
    }`);
  const r = node([js, '7', 'two words', 'ü']);
  expect(r.status).toBe(7);
  expect(r.stdout).toBe('[7][two words][ü]\n');
  expect(r.stderr).toBe('to stderr\n');
});

test('stdout keeps exact bytes, partial lines and order with coroutines', () => {
  const js = compile(dir, 'order', `
    #include <stdio.h>
    #include "libdill.h"
    coroutine void w(int ch) {
        printf("w1 "); int v; chrecv(ch, &v, sizeof(v), -1); printf("w2:%d ", v);
    }
    int main(void) {
        int ch[2]; chmake(ch);
        int h = go(w(ch[1]));
        printf("m1 "); int v = 5; chsend(ch[0], &v, sizeof(v), -1);
        msleep(now() + 10);
        printf("end");
        hclose(h);
        return 0;
    }`);
  const r = node([js]);
  expect(r.status).toBe(0);
  expect(r.stdout).toBe('w1 m1 w2:5 end');
});

test('exit() from a coroutine ends the program with that status', () => {
  const js = compile(dir, 'exitco', `
    #include <stdlib.h>
    #include <libdill.h>
    coroutine void quitter(void) { msleep(now() + 5); exit(42); }
    int main(void) { go(quitter()); msleep(-1); return 0; }`);
  expect(node([js]).status).toBe(42);
});

test('a failed assert aborts with a non-zero status', () => {
  const js = compile(dir, 'assert', `
    #include <assert.h>
    int main(void) { assert(1 == 2); return 0; }`);
  const r = node([js]);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/Assertion failed/);
});

test('several source files and emcc flags (-D, -O0) are passed through', () => {
  const a = path.join(dir, 'multi-a.c');
  const b = path.join(dir, 'multi-b.c');
  fs.writeFileSync(a, '#include <libdill.h>\nint twice(int);\nint main(void) { msleep(now() + 1); return twice(VALUE); }\n');
  fs.writeFileSync(b, 'int twice(int x) { return 2 * x; }\n');
  const js = path.join(dir, 'multi.js');
  const c = node([DILLCC, a, b, '-o', js, '-DVALUE=21', '-O0']);
  expect(c.stderr).toBe('');
  expect(c.status).toBe(0);
  expect(node([js]).status).toBe(42);
});

test('includes resolve as cc\'s: "../libdill.h" from any folder, a test\'s own assert.h wraps <assert.h>', () => {
  // Upstream's tests/ style, in a folder whose parent has no libdill.h.
  const t = path.join(dir, 'deep', 'er', 'tests');
  fs.mkdirSync(t, { recursive: true });
  fs.writeFileSync(path.join(t, 'assert.h'), '#include <assert.h>\n#define OWN_ASSERT 1\n');
  const c = path.join(t, 'upstream.c');
  fs.writeFileSync(c, `
    #include "assert.h"
    #include "../libdill.h"
    #include "../libdillimpl.h"
    #ifndef OWN_ASSERT
    #error own assert.h not used
    #endif
    int main(void) {
        struct dill_hvfs *vfs = NULL; (void)vfs;
        int ch[2]; assert(chmake(ch) == 0);
        assert(hclose(ch[0]) == 0 && hclose(ch[1]) == 0);
        return 0;
    }`);
  const js = path.join(dir, 'upstream.js');
  // From another folder, by absolute path, and compiled with -c then linked.
  const o = path.join(dir, 'upstream.o');
  const r1 = node([DILLCC, '-c', c, '-o', o], { cwd: dir });
  expect(r1.stderr).toBe('');
  expect(r1.status).toBe(0);
  const r2 = node([DILLCC, o, '-o', js], { cwd: dir });
  expect(r2.stderr).toBe('');
  expect(r2.status).toBe(0);
  expect(node([js]).status).toBe(0);
  // From its own folder, by a relative path.
  const r3 = node([DILLCC, 'upstream.c', '-o', js], { cwd: t });
  expect(r3.stderr).toBe('');
  expect(r3.status).toBe(0);
  expect(node([js]).status).toBe(0);
});

test('a compile error is reported with a non-zero status', () => {
  const c = path.join(dir, 'bad.c');
  fs.writeFileSync(c, 'int main(void) { return undefined_thing; }\n');
  const r = node([DILLCC, c, '-o', path.join(dir, 'bad.js')]);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/undefined_thing/);
});

test('dillcc without arguments prints usage and fails', () => {
  const r = node([DILLCC]);
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/usage: dillcc/);
});

test("a program's own -sBINARYEN_EXTRA_PASSES run beside the library's, which an -O0 build of coroutines needs", () => {
  const c = path.join(dir, 'passes.c');
  fs.writeFileSync(c, `#include <stdio.h>
#include <libdill.h>
coroutine static void worker(int ch) { int v = 41; chsend(ch, &v, sizeof(v), -1); }
int main(void) {
    int ch[2];
    if(chmake(ch) != 0) return 1;
    int h = go(worker(ch[0]));
    int v = 0;
    if(chrecv(ch[1], &v, sizeof(v), -1) != 0) return 1;
    printf("%d\\n", v + 1);
    hclose(h);
    return hclose(ch[0]) || hclose(ch[1]);
}\n`);
  const js = path.join(dir, 'passes.js');
  // The user's pass prints the function map; ours keeps Asyncify's -O0
  // assertions from trapping on the driver's uninstrumented frames.
  const r = node([DILLCC, '-O0', c, '-sBINARYEN_EXTRA_PASSES=--print-function-map', '-o', js]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/dill__js_now/);
  const run = node([js]);
  expect(run.stderr).toBe('');
  expect(run.stdout).toBe('42\n');
  expect(run.status).toBe(0);
});

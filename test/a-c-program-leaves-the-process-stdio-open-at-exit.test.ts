/**
 * A C program's exit leaves the Node process's standard descriptors open,
 * as a native program's exit leaves them to the kernel: what runs after
 * it in the same process (an 'exit' listener, `node --trace-exit`, a
 * coverage tool) can still write to them. Emscripten's exit closes every
 * stream it knows, and with NODERAWFS that closed descriptors 0-2 of the
 * process: such writes were lost, and a listener's fs.writeSync(2) hung
 * the process. The C library's own buffers are still flushed at exit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { compile, tmpdir } from './helpers';

let dir: string;
let prog: string;
let listener: string;

beforeAll(() => {
  dir = tmpdir('stdio-exit');
  prog = compile(dir, 'exits', `
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <libdill.h>
    coroutine void leave(void) { exit(4); }
    int main(int argc, char **argv) {
        /* Buffered, no newline: flushed by exit. */
        printf("out");
        fprintf(stderr, "err");
        if(argc > 1 && strcmp(argv[1], "coroutine") == 0) {
            go(leave());
            msleep(-1);
        }
        return 3;
    }`);
  listener = path.join(dir, 'on-exit.js');
  fs.writeFileSync(listener, `
    const fs = require('fs');
    process.on('exit', (code) => {
      fs.writeSync(1, '|exit ' + code + ' on stdout');
      fs.writeSync(2, '|exit ' + code + ' on stderr');
    });
  `);
});

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function run(args: string[]) {
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 20000 });
}

test.each([
  ['main returns', [], 3],
  ['a coroutine calls exit()', ['coroutine'], 4],
])("%s: the program's output, then an 'exit' listener's on both descriptors", (_, args, code) => {
  const r = run(['-r', listener, prog, ...(args as string[])]);
  expect(r.error).toBeUndefined();
  expect(r.stdout).toBe(`out|exit ${code} on stdout`);
  expect(r.stderr).toBe(`err|exit ${code} on stderr`);
  expect(r.status).toBe(code);
});

test('node --trace-exit still reports on stderr', () => {
  const r = run(['--trace-exit', prog]);
  expect(r.stdout).toBe('out');
  expect(r.stderr).toMatch(/^err\(node:\d+\) WARNING: Exited the environment with code 3/);
  expect(r.status).toBe(3);
});

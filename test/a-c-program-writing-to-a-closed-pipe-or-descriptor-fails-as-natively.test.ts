/**
 * Standard output gone, as natively: a C program writing to a pipe whose
 * reader left (`prog | head -1`) dies of SIGPIPE, silently, as a native
 * one does (Node ignores SIGPIPE; the shim restores its default action
 * first), and a write to descriptor 1 after close(1) fails with EBADF.
 * Both used to end the program with a JavaScript stack trace (exit 7).
 * Checked against native libdill with ../shared/oracle: the same program
 * dies of SIGPIPE (status 141 in a shell) and gets -1 and EBADF.
 */
import * as fs from 'fs';
import { spawn, spawnSync } from 'child_process';
import { compile, tmpdir } from './helpers';

let dir: string;
let prog: string;

beforeAll(() => {
  dir = tmpdir('stdout-gone');
  prog = compile(dir, 'writer', `
    #include <errno.h>
    #include <stdio.h>
    #include <string.h>
    #include <unistd.h>
    #include <libdill.h>
    int main(int argc, char **argv) {
        if(strcmp(argv[1], "forever") == 0) {
            /* Lines until the reader goes: natively SIGPIPE ends it. */
            for(long i = 0;; i++) printf("line %ld\\n", i);
        }
        close(1);
        ssize_t w = write(1, "y", 1);
        fprintf(stderr, "write %d %s\\n", (int)w, errno == EBADF ? "EBADF" : strerror(errno));
        return 0;
    }`);
});

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

test("a pipe whose reader left: the program dies of SIGPIPE, saying nothing", async () => {
  const child = spawn(process.execPath, [prog, 'forever'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  // Read the first line, then close our end, as `head -1` does.
  await new Promise<void>((resolve) => {
    child.stdout.once('data', () => { child.stdout.destroy(); resolve(); });
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => {
    child.on('close', (c, s) => resolve([c, s]));
  });
  expect(stderr).toBe('');
  expect(signal).toBe('SIGPIPE');
  expect(code).toBeNull();
}, 30000);

test('a write to descriptor 1 after close(1) fails with EBADF', () => {
  const r = spawnSync(process.execPath, [prog, 'closed'], { encoding: 'utf8', timeout: 20000 });
  expect(r.stderr).toBe('write -1 EBADF\n');
  expect(r.status).toBe(0);
});

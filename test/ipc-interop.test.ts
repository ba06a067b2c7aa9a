/**
 * A wasm C program and a peer we did not write (Node's net, in the jest
 * process: so in another process than the program) exchange data over a
 * real unix socket path, half-closing in both directions.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { spawn } from 'child_process';
import { compile, tmpdir } from './helpers';

let dir: string;
let client: string;
let server: string;

beforeAll(() => {
  dir = tmpdir('interop');
  client = compile(dir, 'client', `
    #include <stdio.h>
    #include <string.h>
    #include <libdill.h>
    /* Sends a request, half-closes, prints the reply read up to EPIPE. */
    int main(int argc, char **argv) {
        int c = ipc_connect(argv[1], now() + 5000);
        if(c < 0) { perror("ipc_connect"); return 2; }
        if(bsend(c, argv[2], strlen(argv[2]), -1) != 0) return 3;
        if(ipc_done(c, -1) != 0) return 4;
        char buf[256]; int n = 0;
        while(n < 255 && brecv(c, buf + n, 1, now() + 5000) == 0) n++;
        if(errno != EPIPE) { perror("brecv"); return 5; }
        printf("%.*s|EPIPE\\n", n, buf);
        return hclose(c);
    }`);
  server = compile(dir, 'server', `
    #include <stdio.h>
    #include <libdill.h>
    /* Accepts one connection, reads to EPIPE, answers, closes cleanly. */
    int main(int argc, char **argv) {
        int ls = ipc_listen(argv[1], 10);
        if(ls < 0) { perror("ipc_listen"); return 2; }
        printf("listening\\n");
        fflush(stdout);
        int s = ipc_accept(ls, now() + 5000);
        if(s < 0) { perror("ipc_accept"); return 3; }
        char buf[256]; int n = 0;
        while(n < 255 && brecv(s, buf + n, 1, now() + 5000) == 0) n++;
        if(errno != EPIPE) { perror("brecv"); return 4; }
        printf("request %.*s|EPIPE\\n", n, buf);
        if(bsend(s, "reply:", 6, -1) || bsend(s, buf, n, -1)) return 5;
        int rc = ipc_close(s, now() + 5000);
        printf("ipc_close %d\\n", rc);
        return hclose(ls);
    }`);
});

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function runProgram(js: string, args: string[]) {
  const child = spawn(process.execPath, [js, ...args]);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, out, err }));
  });
  return { child, done, output: () => out };
}

test('C client: Node server sees EOF exactly after the request; client reads the reply to EPIPE', async () => {
  const sock = path.join(dir, 'node-server.sock');
  const seen: string[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    let req = '';
    s.on('data', (d) => { req += d; });
    s.on('end', () => {
      seen.push(req);
      s.end('reply:' + req);
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const { done } = runProgram(client, [sock, 'hello over ipc']);
    const r = await done;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(seen).toEqual(['hello over ipc']);
    expect(r.out).toBe('reply:hello over ipc|EPIPE\n');
  } finally {
    server.close();
  }
});

test('C server: Node client half-closes; the server reads to EPIPE, answers and closes cleanly', async () => {
  const sock = path.join(dir, 'c-server.sock');
  const prog = runProgram(server, [sock]);
  while (!prog.output().includes('listening')) await new Promise((r) => setTimeout(r, 10));
  const reply = await new Promise<{ data: string; ended: boolean }>((resolve, reject) => {
    const c = net.connect({ path: sock, allowHalfOpen: true });
    let data = '';
    c.on('data', (d) => { data += d; });
    c.on('end', () => { resolve({ data, ended: true }); c.end(); });
    c.on('error', reject);
    c.write('ping', () => c.end());
  });
  expect(reply).toEqual({ data: 'reply:ping', ended: true });
  const r = await prog.done;
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toBe('listening\nrequest ping|EPIPE\nipc_close 0\n');
});

test('a coroutine that only computes and yields does not starve I/O from another process', async () => {
  const js = compile(dir, 'busy', `
    #include <stdio.h>
    #include <libdill.h>
    static volatile int stop;
    coroutine void spin(void) { while(!stop) yield(); }
    int main(int argc, char **argv) {
        int h = go(spin());
        int c = ipc_connect(argv[1], now() + 5000);
        if(c < 0) return 2;
        char b[5];
        int rc = brecv(c, b, 5, now() + 3000);
        stop = 1;
        printf("%d %.5s\\n", rc, rc == 0 ? b : "-----");
        hclose(h);
        return hclose(c);
    }`);
  const sock = path.join(dir, 'busy.sock');
  const server = net.createServer((s) => { setTimeout(() => s.end('hello'), 100); });
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const r = await runProgram(js, [sock]).done;
    expect(r.err).toBe('');
    expect(r.out).toBe('0 hello\n');
    expect(r.code).toBe(0);
  } finally {
    server.close();
  }
});

/**
 * A wasm C program and a peer we did not write (Node's net, in the jest
 * process: so in another process than the program) exchange data over a
 * real unix socket path, half-closing in both directions.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
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

test('a peer in another process that closes with unread data resets the connection: brecv and bsend give ECONNRESET', async () => {
  const js = compile(dir, 'reset', `
    #include <stdio.h>
    #include <libdill.h>
    int main(int argc, char **argv) {
        int c = ipc_connect(argv[1], now() + 5000);
        if(c < 0) return 2;
        if(bsend(c, "unread", 6, -1) != 0) return 3;
        char b;
        int rc = brecv(c, &b, 1, now() + 5000);
        printf("brecv %d %s\\n", rc, errno == ECONNRESET ? "ECONNRESET" : "other");
        rc = bsend(c, "x", 1, -1);
        printf("bsend %d %s\\n", rc, errno == ECONNRESET ? "ECONNRESET" : "other");
        return hclose(c);
    }`);
  const sock = path.join(dir, 'reset.sock');
  // pauseOnConnect: Node does not read, so "unread" stays in the kernel.
  const server = net.createServer({ pauseOnConnect: true }, (s) => {
    setTimeout(() => s.destroy(), 100);
  });
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const r = await runProgram(js, [sock]).done;
    expect(r.err).toBe('');
    expect(r.out).toBe('brecv -1 ECONNRESET\nbsend -1 ECONNRESET\n');
    expect(r.code).toBe(0);
  } finally {
    server.close();
  }
});

test('a C program that closes with unread data resets its peer in another process', async () => {
  const js = compile(dir, 'resetter', `
    #include <stdio.h>
    #include <libdill.h>
    int main(int argc, char **argv) {
        int ls = ipc_listen(argv[1], 10);
        if(ls < 0) return 2;
        printf("listening\\n");
        fflush(stdout);
        int s = ipc_accept(ls, now() + 5000);
        if(s < 0) return 3;
        /* let the peer's bytes arrive; read none of them */
        msleep(now() + 300);
        hclose(s);
        return hclose(ls);
    }`);
  const sock = path.join(dir, 'resetter.sock');
  const prog = runProgram(js, [sock]);
  while (!prog.output().includes('listening')) await new Promise((r) => setTimeout(r, 10));
  const err = await new Promise<string>((resolve) => {
    const c = net.connect(sock);
    c.on('error', (e: NodeJS.ErrnoException) => resolve(String(e.code)));
    c.on('end', () => resolve('EOF'));
    c.on('data', () => {});
    c.write('unread by the peer');
  });
  expect(err).toBe('ECONNRESET');
  expect((await prog.done).code).toBe(0);
});

test('32 MiB each way between a C program and Node arrive intact and in order (odd read sizes, pauses)', async () => {
  const js = compile(dir, 'stream', `
    #include <stdio.h>
    #include <stdlib.h>
    #include <libdill.h>
    #define TOTAL (32 << 20)
    static unsigned char pat(long i) { return (unsigned char)(i * 7 + (i >> 13)); }
    coroutine void sender(int c) {
        static unsigned char b[100003];
        long sent = 0;
        while(sent < TOTAL) {
            long n = TOTAL - sent < (long)sizeof(b) ? TOTAL - sent : (long)sizeof(b);
            for(long i = 0; i < n; i++) b[i] = pat(sent + i);
            if(bsend(c, b, n, -1) != 0) { perror("bsend"); exit(3); }
            sent += n;
        }
        if(ipc_done(c, -1) != 0) { perror("ipc_done"); exit(4); }
    }
    int main(int argc, char **argv) {
        int c = ipc_connect(argv[1], now() + 5000);
        if(c < 0) return 2;
        int h = go(sender(c));
        static unsigned char b[70001];
        long got = 0, sizes[] = {1, 4096, 70001, 13, 65536, 999};
        for(int k = 0; got < TOTAL; k++) {
            long n = sizes[k % 6];
            if(n > TOTAL - got) n = TOTAL - got;
            if(brecv(c, b, n, now() + 10000) != 0) { perror("brecv"); return 5; }
            for(long i = 0; i < n; i++)
                if(b[i] != pat(got + i)) { printf("mismatch at %ld\\n", got + i); return 6; }
            got += n;
            if(k % 97 == 0) msleep(now() + 1);
        }
        char x;
        int rc = brecv(c, &x, 1, now() + 5000);
        printf("%ld %d %s\\n", got, rc, errno == EPIPE ? "EPIPE" : "other");
        bundle_wait(h, -1);
        hclose(h);
        return hclose(c);
    }`);
  const TOTAL = 32 << 20;
  const pat = (i: number) => (i * 7 + Math.floor(i / 8192)) & 0xff;
  const sock = path.join(dir, 'stream.sock');
  let received = 0;
  let bad = -1;
  let ended: () => void;
  const end = new Promise<void>((r) => { ended = r; });
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('end', () => ended());
    s.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i++) if (bad < 0 && d[i] !== pat(received + i)) bad = received + i;
      received += d.length;
    });
    let sent = 0;
    const more = () => {
      while (sent < TOTAL) {
        const n = Math.min(TOTAL - sent, 1 + ((sent * 31) % 50000));
        const b = Buffer.alloc(n);
        for (let i = 0; i < n; i++) b[i] = pat(sent + i);
        sent += n;
        if (!s.write(b)) { s.once('drain', more); return; }
      }
      s.end();
    };
    more();
  });
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const r = await runProgram(js, [sock]).done;
    expect(r.err).toBe('');
    expect(r.out).toBe(`${TOTAL} -1 EPIPE\n`);
    expect(r.code).toBe(0);
    await end;
    expect(bad).toBe(-1);
    expect(received).toBe(TOTAL);
  } finally {
    server.close();
  }
}, 60000);

test('EACCES: without search permission on the directory, ipc_listen, ipc_connect and their _mem variants fail with EACCES', async () => {
  // Root searches any directory: the program then runs as nobody, from a
  // directory nobody can read.
  const asRoot = process.getuid !== undefined && process.getuid() === 0;
  const pub = fs.mkdtempSync(path.join(os.tmpdir(), 'dill-eacces-'));
  try {
    fs.chmodSync(pub, 0o755);
    const js = compile(pub, 'eacces', `
      #include <errno.h>
      #include <stdio.h>
      #include <string.h>
      #include <libdill.h>
      int main(int argc, char **argv) {
          char path[256];
          snprintf(path, sizeof(path), "%s/new.sock", argv[1]);
          struct ipc_listener_storage lm;
          struct ipc_storage cm;
          int a = ipc_listen(path, 10); int ea = errno;
          int b = ipc_listen_mem(path, 10, &lm); int eb = errno;
          int c = ipc_connect(argv[2], now() + 2000); int ec = errno;
          int d = ipc_connect_mem(argv[2], &cm, now() + 2000); int ed = errno;
          printf("%d %s %d %s %d %s %d %s\\n", a, strerror(ea), b, strerror(eb),
              c, strerror(ec), d, strerror(ed));
          return 0;
      }`);
    fs.chmodSync(js, 0o644);
    fs.chmodSync(js.replace(/\.js$/, '.wasm'), 0o644);
    // A listening socket in a directory the program cannot search.
    const locked = path.join(pub, 'locked');
    fs.mkdirSync(locked);
    const sock = path.join(locked, 'l.sock');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    fs.chmodSync(locked, asRoot ? 0o700 : 0o000);
    try {
      const cmd = asRoot ? '/usr/sbin/runuser' : process.execPath;
      const args = asRoot ? ['-u', 'nobody', '--', process.execPath, js, locked, sock] : [js, locked, sock];
      const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(cmd, args);
        let out = '', err = '';
        child.stdout.on('data', (x) => { out += x; });
        child.stderr.on('data', (x) => { err += x; });
        child.on('close', (code) => resolve({ code, out, err }));
      });
      expect(r.err).toBe('');
      expect(r.out).toBe('-1 Permission denied -1 Permission denied -1 Permission denied -1 Permission denied\n');
      expect(r.code).toBe(0);
    } finally {
      fs.chmodSync(locked, 0o700);
      server.close();
    }
  } finally {
    fs.rmSync(pub, { recursive: true, force: true });
  }
}, 30000);

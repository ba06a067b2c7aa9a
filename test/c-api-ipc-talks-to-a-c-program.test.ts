/**
 * A TypeScript program and a C program built with dillcc talk over a real
 * unix socket, each way round: each side gets all the data, then EPIPE.
 */
import * as fs from 'fs';
import { spawn } from 'child_process';
import { compile, deferred, pattern } from './helpers';
import { dill, dir, loadInstance, sockPath, useTempDir } from './instance';

loadInstance();
useTempDir('tsapi');

describe('TS and a C program built with dillcc, over a real unix socket', () => {
  const REQ = 120000;   // client -> server
  const REP = 90000;    // server -> client
  let prog: string;

  beforeAll(() => {
    // Patterns must match pattern(n, 7, 1) (requests) and pattern(n, 13, 5) (replies).
    prog = compile(dir, 'peer', `
      #include <stdio.h>
      #include <stdlib.h>
      #include <string.h>
      #include <libdill.h>
      static int check(const unsigned char *b, int n, int mul, int add) {
          for(int i = 0; i < n; i++) if(b[i] != (unsigned char)(i * mul + add)) return 0;
          return 1;
      }
      static void fill(unsigned char *b, int n, int mul, int add) {
          for(int i = 0; i < n; i++) b[i] = (unsigned char)(i * mul + add);
      }
      /* Receives exactly n bytes, then expects EPIPE. */
      static int recv_all(int s, unsigned char *b, int n, int mul, int add) {
          if(brecv(s, b, n, now() + 10000) != 0) { perror("brecv"); return 0; }
          if(!check(b, n, mul, add)) { fprintf(stderr, "bad data\\n"); return 0; }
          char x;
          if(brecv(s, &x, 1, now() + 10000) != -1 || errno != EPIPE) { perror("brecv EPIPE"); return 0; }
          return 1;
      }
      int main(int argc, char **argv) {
          int req = atoi(argv[3]), rep = atoi(argv[4]);
          unsigned char *b = malloc(req > rep ? req : rep);
          if(strcmp(argv[1], "server") == 0) {
              int ls = ipc_listen(argv[2], 10);
              if(ls < 0) { perror("ipc_listen"); return 2; }
              printf("listening\\n"); fflush(stdout);
              int s = ipc_accept(ls, now() + 10000);
              if(s < 0) { perror("ipc_accept"); return 3; }
              if(!recv_all(s, b, req, 7, 1)) return 4;
              printf("server got %d bytes then EPIPE\\n", req);
              fill(b, rep, 13, 5);
              if(bsend(s, b, rep, now() + 10000) != 0) { perror("bsend"); return 5; }
              if(ipc_done(s, now() + 10000) != 0) { perror("ipc_done"); return 6; }
              if(ipc_done(s, now() + 10000) != -1 || errno != EPIPE) return 7;
              hclose(s); hclose(ls);
          } else {
              int c = ipc_connect(argv[2], now() + 10000);
              if(c < 0) { perror("ipc_connect"); return 2; }
              fill(b, req, 7, 1);
              if(bsend(c, b, req, now() + 10000) != 0) { perror("bsend"); return 3; }
              if(ipc_done(c, now() + 10000) != 0) { perror("ipc_done"); return 4; }
              if(bsend(c, b, 1, -1) != -1 || errno != EPIPE) return 5;
              if(!recv_all(c, b, rep, 13, 5)) return 6;
              printf("client got %d bytes then EPIPE\\n", rep);
              hclose(c);
          }
          return 0;
      }`);
  });

  function run(args: string[]) {
    const child = spawn(process.execPath, [prog, ...args]);
    let out = '', err = '';
    const listening = deferred();
    child.stdout.on('data', (d) => { out += d; if (out.includes('listening')) listening.resolve(); });
    child.stderr.on('data', (d) => { err += d; });
    const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      child.on('close', (code) => { listening.resolve(); resolve({ code, out, err }); });
    });
    return { done, listening: listening.promise };
  }

  test('TS server, C client: each side gets all the data, then EPIPE', async () => {
    const p = sockPath();
    const ls = await dill.ipc_listen(p, 10);
    expect(ls).toBeGreaterThanOrEqual(0);
    const child = run(['client', p, String(REQ), String(REP)]);
    const s = await dill.ipc_accept(ls, dill.now() + 20000);
    expect(s).toBeGreaterThanOrEqual(0);
    const got = Buffer.alloc(REQ);
    expect(await dill.brecv(s, got, REQ, dill.now() + 20000)).toBe(0);
    expect(got.equals(pattern(REQ, 7, 1))).toBe(true);
    expect(await dill.brecv(s, Buffer.alloc(1), 1, dill.now() + 20000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const rep = pattern(REP, 13, 5);
    expect(await dill.bsend(s, rep, REP, dill.now() + 20000)).toBe(0);
    expect(await dill.ipc_done(s, dill.now() + 20000)).toBe(0);
    const r = await child.done;
    expect(r.err).toBe('');
    expect(r.out).toBe(`client got ${REP} bytes then EPIPE\n`);
    expect(r.code).toBe(0);
    expect(dill.hclose(s)).toBe(0);
    expect(dill.hclose(ls)).toBe(0);
    fs.unlinkSync(p);
  });

  test('C server, TS client: each side gets all the data, then EPIPE', async () => {
    const p = sockPath();
    const child = run(['server', p, String(REQ), String(REP)]);
    await child.listening;
    const c = await dill.ipc_connect(p, dill.now() + 20000);
    expect(c).toBeGreaterThanOrEqual(0);
    const req = pattern(REQ, 7, 1);
    expect(await dill.bsend(c, req, REQ, dill.now() + 20000)).toBe(0);
    expect(await dill.ipc_done(c, dill.now() + 20000)).toBe(0);
    expect(await dill.bsend(c, req, 1, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const got = Buffer.alloc(REP);
    expect(await dill.brecv(c, got, REP, dill.now() + 20000)).toBe(0);
    expect(got.equals(pattern(REP, 13, 5))).toBe(true);
    expect(await dill.brecv(c, Buffer.alloc(1), 1, dill.now() + 20000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const r = await child.done;
    expect(r.err).toBe('');
    expect(r.out).toBe(`listening\nserver got ${REQ} bytes then EPIPE\n`);
    expect(r.code).toBe(0);
    expect(dill.hclose(c)).toBe(0);
    fs.rmSync(p, { force: true });
  });
});

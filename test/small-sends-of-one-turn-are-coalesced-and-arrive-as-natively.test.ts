/**
 * Small sends a C program makes while it runs on (one turn of Node's event
 * loop) go to the kernel together after the first, as Node's own sockets
 * coalesce writes (wasm/shim/netconn-tx.js, the cork). What the peer sees,
 * and when, stays as libdill promises: every byte, in order; the first
 * send of a turn at once (a request followed by a long computation is on
 * its way); the rest once the program waits; all of it before a
 * half-close's end of stream, before close, and before the process exits.
 * The peer is Node's net in the jest process, over a unix socket and TCP.
 */
import * as fs from 'fs';
import { compile, tmpdir, C_CONNECT_ARGV, runAgainstNodeServer, messages } from './helpers';

let dir: string;
let prog: string;

beforeAll(() => {
  dir = tmpdir('cork');
  prog = compile(dir, 'sender', `
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <libdill.h>
    ${C_CONNECT_ARGV}
    /* sender ipc PATH | tcp PORT, then a mode:
         burst N   N 8-byte messages in a loop, then close (hclose)
         done N    N messages, then the half-close, then wait for the peer's end
         exit N    N messages, then return from main at once
         spin      one message, then 500 ms of computing without waiting,
                   then a second message, then close */
    static double busy(int ms) {
        int64_t end = now() + ms; double x = 0;
        while(now() < end) for(int i = 0; i < 1000; i++) x += i * 0.5;
        return x;
    }
    int main(int argc, char **argv) {
        int s = connect_argv(argv);
        if(s < 0) { perror("connect"); return 2; }
        const char *mode = argv[3];
        int n = argc > 4 ? atoi(argv[4]) : 0;
        char msg[9];
        for(int i = 0; i < n; i++) {
            snprintf(msg, sizeof(msg), "%07d;", i);
            if(bsend(s, msg, 8, -1) != 0) { perror("bsend"); return 3; }
        }
        if(strcmp(mode, "spin") == 0) {
            if(bsend(s, "first;", 6, -1) != 0) return 3;
            if(busy(500) < 0) return 9;
            if(bsend(s, "second;", 7, -1) != 0) return 3;
        }
        if(strcmp(mode, "exit") == 0) return 0;
        if(strcmp(mode, "done") == 0) {
            int done = strcmp(argv[1], "ipc") == 0 ? ipc_done(s, -1) : tcp_done(s, -1);
            if(done != 0) { perror("done"); return 4; }
            char c;
            if(brecv(s, &c, 1, now() + 5000) == 0 || errno != EPIPE) { perror("brecv"); return 5; }
        }
        return hclose(s);
    }`);
});

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

interface Received { text: string; times: number[]; ended: boolean; status: number | null; stderr: string }

/** Runs the sender against a Node server; what the server received, with the time (ms) of each chunk. */
async function exchange(proto: 'ipc' | 'tcp', args: string[]): Promise<Received> {
  const got: Buffer[] = [];
  const times: number[] = [];
  let ended = false;
  const t0 = Date.now();
  const r = await runAgainstNodeServer(dir, proto, prog, args, (c) => {
    c.on('data', (d) => { got.push(d); times.push(Date.now() - t0); });
    // Our end of stream once the program's came (its done() waits for it).
    c.on('end', () => { ended = true; c.end(); });
    c.on('error', () => {});
  });
  return { text: Buffer.concat(got).toString(), times, ended, ...r };
}

describe.each(['ipc', 'tcp'] as const)('%s', (proto) => {
  test('a burst of small sends arrives whole and in order, in far fewer reads than sends', async () => {
    const r = await exchange(proto, ['burst', '20000']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.text).toBe(messages(20000));
    // (One write per send: thousands of reads; corked: a few 64 KiB writes.)
    expect(r.times.length).toBeLessThan(200);
  }, 30000);

  test('a half-close comes after every byte sent before it', async () => {
    const r = await exchange(proto, ['done', '5000']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.text).toBe(messages(5000));
    expect(r.ended).toBe(true);
  }, 30000);

  test('sends just before main returns reach the peer', async () => {
    const r = await exchange(proto, ['exit', '3000']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.text).toBe(messages(3000));
  }, 30000);

  test('the first send of a turn goes at once: the peer has it while the program computes', async () => {
    const r = await exchange(proto, ['spin']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.text).toBe('first;second;');
    // "first;" arrived alone, well before the 500 ms of computing ended.
    expect(r.times.length).toBeGreaterThanOrEqual(2);
    expect(r.times[r.times.length - 1] - r.times[0]).toBeGreaterThanOrEqual(200);
  }, 30000);
});

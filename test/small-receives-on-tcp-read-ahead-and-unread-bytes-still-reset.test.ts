/**
 * Small receives on TCP take whatever the kernel has in one system call and
 * keep the rest for the next ones (wasm/shim/netconn-rx.js), as native
 * libdill's receive buffer does: a stream of small messages costs a read
 * per many messages, not one per brecv. What the program and its peer see
 * stays as natively: every byte in order, the end of stream after the last
 * one, and closing with bytes unread (read ahead or still in the kernel)
 * resets the connection. A unix socket reads exactly what is asked: there
 * only bytes left in the kernel make its peer see the reset, so nothing is
 * read ahead. The peer is Node's net in the jest process; the program's
 * kernel reads are counted by wrapping fs.readSync in its process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compile, tmpdir, C_CONNECT_ARGV, runAgainstNodeServer, messages, socketReadCounter } from './helpers';

let dir: string;
let prog: string;
let counter: string;

beforeAll(() => {
  dir = tmpdir('readahead');
  prog = compile(dir, 'receiver', `
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <libdill.h>
    ${C_CONNECT_ARGV}
    /* receiver ipc PATH | tcp PORT, then a mode:
         all N     N 8-byte messages, one brecv each, then the end of stream
         partial   10 bytes of the 100 the peer sent, then hclose */
    int main(int argc, char **argv) {
        int s = connect_argv(argv);
        if(s < 0) { perror("connect"); return 2; }
        /* The peer's bytes are all in the kernel before the first read. */
        msleep(now() + 200);
        char msg[9], want[9];
        if(strcmp(argv[3], "all") == 0) {
            int n = atoi(argv[4]);
            for(int i = 0; i < n; i++) {
                if(brecv(s, msg, 8, -1) != 0) { perror("brecv"); return 3; }
                snprintf(want, sizeof(want), "%07d;", i);
                if(memcmp(msg, want, 8) != 0) { fprintf(stderr, "message %d wrong\\n", i); return 4; }
            }
            if(brecv(s, msg, 1, now() + 5000) == 0 || errno != EPIPE) { perror("end"); return 5; }
        } else {
            if(brecv(s, msg, 8, -1) != 0 || brecv(s, msg, 2, -1) != 0) { perror("brecv"); return 3; }
        }
        return hclose(s);
    }`);
  counter = socketReadCounter(dir);
});

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

interface Run { status: number | null; stderr: string; reads: number; peerError: string | null }

/** Runs the receiver against a Node server that writes `data` at once (and ends after it when `end`). */
async function exchange(proto: 'ipc' | 'tcp', args: string[], data: string, end: boolean): Promise<Run> {
  let peerError: string | null = null;
  const readsFile = path.join(dir, `reads-${Math.random().toString(36).slice(2)}`);
  const r = await runAgainstNodeServer(dir, proto, prog, args, (c) => {
    if (end) c.end(data);
    else c.write(data);
    c.on('error', (e: NodeJS.ErrnoException) => { peerError = e.code ?? String(e); });
    c.resume();
  }, { nodeArgs: ['-r', counter], env: { ...process.env, READS_FILE: readsFile } });
  return { ...r, reads: +fs.readFileSync(readsFile, 'utf8'), peerError };
}

describe.each(['ipc', 'tcp'] as const)('%s', (proto) => {
  test('20,000 small messages arrive whole and in order, then the end of stream', async () => {
    const r = await exchange(proto, ['all', '20000'], messages(20000), true);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // 160 KB read ahead in chunks of up to 64 KiB: a handful of reads,
    // where one per brecv would be 20,000. (On a unix socket the count
    // depends on when Node reads for a waiting program.)
    if (proto === 'tcp') expect(r.reads).toBeLessThan(200);
  }, 30000);

  // (On a unix socket this also checks that the connecting side leaves the
  // bytes that came before the program asked in the kernel.)
  test('closing with bytes unread resets the peer, read ahead or not', async () => {
    const r = await exchange(proto, ['partial'], 'x'.repeat(100), false);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.peerError).toBe('ECONNRESET');
  }, 30000);
});

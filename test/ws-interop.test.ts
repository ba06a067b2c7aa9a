/**
 * Our WebSocket against the npm `ws` package (a peer we did not write), over
 * TCP on 127.0.0.1, both directions: a C client (ws_attach_client) against
 * a `ws` WebSocketServer, and a `ws` client against a C server
 * (ws_attach_server).  The C program runs in its own process; the `ws`
 * side lives in the jest process.
 *
 * Each way: the opening handshake (resource and host as the other side sees
 * them), text (UTF-8) and binary messages echoed, a 1 MiB + 3 message (64-bit
 * length) both ways, a message `ws` sends in fragments (send with fin:false)
 * arriving whole, a ping from `ws` answered with its payload, and the close
 * handshake with a status code and reason seen on both sides (ws_status on
 * ours, the 'close' event on theirs), after which ws_detach hands back the
 * TCP socket.
 */
import * as fs from 'fs';
import { ChildProcess } from 'child_process';
import { WebSocket, WebSocketServer, RawData } from 'ws';
import { compile, killAll, start, tmpdir } from './helpers';

const PROGRAM = String.raw`
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

#define BIG (1024 * 1024 + 3)
static char *buf;

static void fail(const char *what) {
    printf("FAIL %s: errno %d\n", what, errno);
    fflush(stdout);
    exit(1);
}

/* One message: prints its type and length, and whether a big one holds the
   pattern (i * 7 + i / 4096) & 0xff. */
static ssize_t recv_one(int s, int *fl) {
    ssize_t n = ws_recv(s, fl, buf, BIG + 16, now() + 10000);
    if(n < 0) return n;
    int ok = 1;
    if(n >= 65536)
        for(ssize_t i = 0; i < n; i++)
            if((unsigned char)buf[i] != ((i * 7 + i / 4096) & 0xff)) { ok = 0; break; }
    printf("got %s %d%s\n", *fl == WS_TEXT ? "text" : "binary", (int)n,
        n >= 65536 ? (ok ? " pattern-ok" : " pattern-BAD") : "");
    if(n < 200 && *fl == WS_TEXT) printf("content %.*s\n", (int)n, buf);
    if(n < 200 && *fl == WS_BINARY) {
        printf("hex ");
        for(ssize_t i = 0; i < n; i++) printf("%02x", (unsigned char)buf[i]);
        printf("\n");
    }
    fflush(stdout);
    return n;
}

/* Client: the script against the ws echo server. */
static int client(int port) {
    struct ipaddr a;
    if(ipaddr_remote(&a, "127.0.0.1", port, 0, -1) != 0) fail("ipaddr_remote");
    int t = tcp_connect(&a, now() + 5000);
    if(t < 0) fail("tcp_connect");
    char host[64];
    snprintf(host, sizeof(host), "127.0.0.1:%d", port);
    int s = ws_attach_client(t, WS_TEXT, "/echo?from=c", host, now() + 5000);
    if(s < 0) fail("ws_attach_client");
    int fl;
    /* Text and binary, echoed. */
    if(msend(s, "h\xc3\xa9llo w\xc3\xb6rld", 14, -1) != 0) fail("msend");
    if(recv_one(s, &fl) < 0) fail("recv text");
    if(ws_send(s, WS_BINARY, "\x00\x01\x02\xff", 4, -1) != 0) fail("ws_send");
    if(recv_one(s, &fl) < 0) fail("recv binary");
    /* Big, both ways. */
    for(int i = 0; i < BIG; i++) buf[i] = (char)((i * 7 + i / 4096) & 0xff);
    if(ws_send(s, WS_BINARY, buf, BIG, now() + 10000) != 0) fail("ws_send big");
    if(recv_one(s, &fl) < 0) fail("recv big");
    /* The server answers these with a fragmented message, a ping, a close. */
    if(msend(s, "fragments please", 16, -1) != 0) fail("msend");
    if(recv_one(s, &fl) < 0) fail("recv fragments");
    if(msend(s, "ping me", 7, -1) != 0) fail("msend");
    if(recv_one(s, &fl) < 0) fail("recv after ping");
    if(msend(s, "close me", 8, -1) != 0) fail("msend");
    if(recv_one(s, &fl) >= 0 || errno != EPIPE) fail("expected EPIPE");
    int st;
    char reason[128];
    ssize_t n = ws_status(s, &st, reason, sizeof(reason));
    if(n < 0) fail("ws_status");
    printf("closed by peer %d %.*s\n", st, (int)n, reason);
    t = ws_detach(s, 4001, "c-bye", 5, now() + 5000);
    if(t < 0) fail("ws_detach");
    printf("detached\n");
    hclose(t);
    return 0;
}

/* Server: echoes until the peer closes; then the close the other way. */
static int server(void) {
    struct ipaddr a;
    if(ipaddr_local(&a, "127.0.0.1", 0, 0) != 0) fail("ipaddr_local");
    int ls = tcp_listen(&a, 10);
    if(ls < 0) fail("tcp_listen");
    printf("ready %d\n", ipaddr_port(&a));
    fflush(stdout);
    int t = tcp_accept(ls, NULL, now() + 10000);
    if(t < 0) fail("tcp_accept");
    char resource[256], host[256];
    int s = ws_attach_server(t, WS_BINARY, resource, sizeof(resource), host,
        sizeof(host), now() + 5000);
    if(s < 0) fail("ws_attach_server");
    printf("resource %s host %s\n", resource, host);
    fflush(stdout);
    for(;;) {
        int fl;
        ssize_t n = recv_one(s, &fl);
        if(n < 0) break;
        if(ws_send(s, fl, buf, n, now() + 10000) != 0) fail("ws_send");
    }
    if(errno != EPIPE) fail("expected EPIPE");
    int st;
    char reason[128];
    ssize_t n = ws_status(s, &st, reason, sizeof(reason));
    if(n < 0) fail("ws_status");
    printf("closed by peer %d %.*s\n", st, (int)n, reason);
    fflush(stdout);
    t = ws_detach(s, 4004, "server-bye", 10, now() + 5000);
    if(t < 0) fail("ws_detach");
    printf("detached\n");
    hclose(t);
    hclose(ls);
    return 0;
}

int main(int argc, char **argv) {
    buf = malloc(BIG + 16);
    if(strcmp(argv[1], "client") == 0) return client(atoi(argv[2]));
    return server();
}
`;

let dir: string;
let prog: string;
beforeAll(() => {
  dir = tmpdir('ws');
  prog = compile(dir, 'ws', PROGRAM);
}, 120000);
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const children: ChildProcess[] = [];
afterEach(() => killAll(children));

const runProgram = (args: string[]) => start(children, process.execPath, [prog, ...args]);

const BIG = (1 << 20) + 3;
const pattern = (n: number) => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + Math.floor(i / 4096)) & 0xff;
  return b;
};
const asBuffer = (d: RawData) => (Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d as ArrayBuffer));

test('C client (ws_attach_client) <-> ws WebSocketServer', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.on('listening', () => r()));
  const port = (wss.address() as { port: number }).port;
  const seen: { url?: string; host?: string; pong?: string; close?: [number, string]; big?: boolean } = {};
  const closed = new Promise<void>((resolve) => {
    wss.on('connection', (ws, req) => {
      seen.url = req.url;
      seen.host = req.headers.host;
      ws.on('pong', (d) => { seen.pong = d.toString(); });
      ws.on('message', (data, isBinary) => {
        const b = asBuffer(data);
        const text = isBinary ? '' : b.toString();
        if (text === 'fragments please') {
          ws.send('frag', { fin: false });
          ws.send('men', { fin: false });
          ws.send('ted', { fin: true });
        } else if (text === 'ping me') {
          ws.ping('are you there');
          ws.send('after the ping');
        } else if (text === 'close me') {
          ws.close(4002, 'node-bye');
        } else {
          if (b.length === BIG) seen.big = b.equals(pattern(BIG));
          ws.send(b, { binary: isBinary });
        }
      });
      ws.on('close', (code, reason) => { seen.close = [code, reason.toString()]; resolve(); });
    });
  });
  try {
    const p = runProgram(['client', String(port)]);
    const r = await p.done;
    await closed;
    expect(r.err).toBe('');
    expect(r.out).toBe([
      'got text 14', 'content h\u00e9llo w\u00f6rld',
      'got binary 4', 'hex 000102ff',
      `got binary ${BIG} pattern-ok`,
      'got text 10', 'content fragmented',
      'got text 14', 'content after the ping',
      'closed by peer 4002 node-bye',
      'detached', '',
    ].join('\n'));
    expect(r.code).toBe(0);
    expect(seen.url).toBe('/echo?from=c');
    expect(seen.host).toBe(`127.0.0.1:${port}`);
    expect(seen.big).toBe(true);
    expect(seen.pong).toBe('are you there');
    expect(seen.close).toEqual([4001, 'c-bye']);
  } finally {
    wss.close();
  }
}, 60000);

test('ws client <-> C server (ws_attach_server)', async () => {
  const p = runProgram(['server']);
  const port = Number((await p.line(/ready (\d+)\n/))[1]);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/chat/room?id=7`);
  const received: Buffer[] = [];
  const types: boolean[] = [];
  let waiting: (() => void) | null = null;
  ws.on('message', (data, isBinary) => {
    received.push(asBuffer(data));
    types.push(isBinary);
    if (waiting) { const w = waiting; waiting = null; w(); }
  });
  const next = () => new Promise<[Buffer, boolean]>((resolve) => {
    const take = () => resolve([received.shift() as Buffer, types.shift() as boolean]);
    if (received.length) take(); else waiting = take;
  });
  const pong = new Promise<string>((resolve) => ws.on('pong', (d) => resolve(d.toString())));
  const closed = new Promise<[number, string]>((resolve) =>
    ws.on('close', (code, reason) => resolve([code, reason.toString()])));
  await new Promise<void>((resolve, reject) => { ws.on('open', () => resolve()); ws.on('error', reject); });

  ws.send('gr\u00fc\u00df dich');
  expect(await next()).toEqual([Buffer.from('gr\u00fc\u00df dich'), false]);
  ws.send(Buffer.from([0, 1, 2, 255]));
  expect(await next()).toEqual([Buffer.from([0, 1, 2, 255]), true]);
  const big = pattern(BIG);
  ws.send(big);
  const [echo, isBinary] = await next();
  expect(isBinary).toBe(true);
  expect(echo.length).toBe(BIG);
  expect(echo.equals(big)).toBe(true);
  // Fragments from ws arrive whole, and are echoed whole.
  ws.send('frag', { fin: false });
  ws.send('men', { fin: false });
  ws.send('ted', { fin: true });
  expect(await next()).toEqual([Buffer.from('fragmented'), false]);
  ws.ping('hello?');
  expect(await pong).toBe('hello?');
  ws.close(4003, 'client-bye');
  expect(await closed).toEqual([4004, 'server-bye']);
  const r = await p.done;
  expect(r.err).toBe('');
  expect(r.out).toBe([
    `ready ${port}`,
    `resource /chat/room?id=7 host 127.0.0.1:${port}`,
    'got text 11', 'content gr\u00fc\u00df dich',
    'got binary 4', 'hex 000102ff',
    `got binary ${BIG} pattern-ok`,
    'got text 10', 'content fragmented',
    'closed by peer 4003 client-bye',
    'detached', '',
  ].join('\n'));
  expect(r.code).toBe(0);
}, 60000);

/**
 * HTTP heads between a wasm C program (tcp_connect/tcp_accept + http_attach)
 * and Node's http module, which we did not write, on 127.0.0.1:
 *
 * - C client -> Node http server: request line, fields, status and reason
 *   as each side sees them, and the body read raw after http_detach;
 * - the same with "Expect: 100-continue": Node's interim 100 response, the
 *   body sent raw between two http_attach/http_detach rounds, then the
 *   final response;
 * - Node http client (agent: false, so no keep-alive) -> C server: a POST
 *   whose body the server reads raw after http_detach, and a response whose
 *   body it writes raw after http_detach.
 */
import * as fs from 'fs';
import * as http from 'http';
import { ChildProcess } from 'child_process';
import { compile, killAll, start, tmpdir } from './helpers';

const PROGRAM = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

static void fail(const char *what) {
    printf("%s failed: errno %d\n", what, errno);
    exit(2);
}

/* Prints the fields up to the blank line; returns Content-Length or -1. */
static long fields(int s) {
    long len = -1;
    for(;;) {
        char name[256], value[1024];
        if(http_recvfield(s, name, sizeof(name), value, sizeof(value), now() + 5000) < 0) {
            if(errno == EPIPE) return len;
            fail("http_recvfield");
        }
        printf("field %s: %s\n", name, value);
        if(strcmp(name, "Content-Length") == 0 || strcmp(name, "content-length") == 0)
            len = atol(value);
    }
}

/* Reads the raw body: len bytes, or up to EOF if len < 0. */
static void body(int u, long len) {
    char b[4096];
    long n = 0;
    while(len < 0 || n < len) {
        if(brecv(u, b + n, 1, now() + 5000) < 0) {
            if(errno == EPIPE && len < 0) break;
            fail("brecv body");
        }
        n++;
    }
    printf("body %.*s\n", (int)n, b);
}

static int connect_to(const char *port) {
    struct ipaddr a;
    if(ipaddr_remote(&a, "127.0.0.1", atoi(port), IPADDR_IPV4, -1) < 0) fail("ipaddr_remote");
    int s = tcp_connect(&a, now() + 5000);
    if(s < 0) fail("tcp_connect");
    s = http_attach(s);
    if(s < 0) fail("http_attach");
    return s;
}

static void status(int s) {
    char reason[256];
    int st = http_recvstatus(s, reason, sizeof(reason), now() + 5000);
    if(st < 0) fail("http_recvstatus");
    printf("status %d %s\n", st, reason);
}

int main(int argc, char **argv) {
    if(strcmp(argv[1], "get") == 0) {
        int s = connect_to(argv[2]);
        if(http_sendrequest(s, "GET", "/path/to?q=1&r=%20", -1) < 0) fail("http_sendrequest");
        if(http_sendfield(s, "Host", "127.0.0.1", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "X-Test", "  some value  ", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Connection", "close", -1) < 0) fail("http_sendfield");
        if(http_done(s, -1) < 0) fail("http_done");
        status(s);
        long len = fields(s);
        int u = http_detach(s, now() + 5000);
        if(u < 0) fail("http_detach");
        body(u, len);
        if(tcp_close(u, now() + 5000) < 0) fail("tcp_close");
        return 0;
    }
    if(strcmp(argv[1], "continue") == 0) {
        int s = connect_to(argv[2]);
        if(http_sendrequest(s, "PUT", "/upload", -1) < 0) fail("http_sendrequest");
        if(http_sendfield(s, "Host", "127.0.0.1", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Content-Length", "11", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Expect", "100-continue", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Connection", "close", -1) < 0) fail("http_sendfield");
        if(http_done(s, -1) < 0) fail("http_done");
        status(s);
        fields(s);
        int u = http_detach(s, now() + 5000);
        if(u < 0) fail("http_detach");
        if(bsend(u, "hello world", 11, -1) < 0) fail("bsend");
        s = http_attach(u);
        if(s < 0) fail("http_attach again");
        status(s);
        long len = fields(s);
        u = http_detach(s, now() + 5000);
        if(u < 0) fail("http_detach");
        body(u, len);
        if(tcp_close(u, now() + 5000) < 0) fail("tcp_close");
        return 0;
    }
    if(strcmp(argv[1], "serve") == 0) {
        struct ipaddr a;
        if(ipaddr_local(&a, "127.0.0.1", 0, IPADDR_IPV4) < 0) fail("ipaddr_local");
        int ls = tcp_listen(&a, 10);
        if(ls < 0) fail("tcp_listen");
        printf("listening %d\n", ipaddr_port(&a));
        fflush(stdout);
        int s = tcp_accept(ls, NULL, now() + 10000);
        if(s < 0) fail("tcp_accept");
        s = http_attach(s);
        if(s < 0) fail("http_attach");
        char cmd[16], res[256];
        if(http_recvrequest(s, cmd, sizeof(cmd), res, sizeof(res), now() + 5000) < 0) fail("http_recvrequest");
        printf("request %s %s\n", cmd, res);
        long len = fields(s);
        if(http_sendstatus(s, 202, "Accepted, Thanks", -1) < 0) fail("http_sendstatus");
        if(http_sendfield(s, "Content-Type", "text/plain", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "Content-Length", "18", -1) < 0) fail("http_sendfield");
        if(http_sendfield(s, "X-Reply", "yes", -1) < 0) fail("http_sendfield");
        int u = http_detach(s, now() + 5000);
        if(u < 0) fail("http_detach");
        body(u, len);
        if(bsend(u, "the response body!", 18, -1) < 0) fail("bsend");
        if(tcp_close(u, now() + 5000) < 0) fail("tcp_close");
        hclose(ls);
        return 0;
    }
    return 1;
}
`;

let dir: string;
let prog: string;

beforeAll(() => {
  dir = tmpdir('http');
  prog = compile(dir, 'http', PROGRAM);
}, 120000);

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const children: ChildProcess[] = [];
afterEach(() => killAll(children));

const runProgram = (args: string[]) => start(children, process.execPath, [prog, ...args]);

/** A Node http server on 127.0.0.1 answering every request with `handler`. */
async function nodeServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

/** The program's "field" lines, without the Date (it changes). */
const fieldLines = (out: string) => out.split('\n').filter((l) => l.startsWith('field ') && !l.startsWith('field Date:'));

test('C http client -> Node http server: request line, fields, status, reason, body after http_detach', async () => {
  let seen: { method?: string; url?: string; headers?: http.IncomingHttpHeaders; raw?: string[]; version?: string } = {};
  const { server, port } = await nodeServer((req, res) => {
    seen = { method: req.method, url: req.url, headers: req.headers, raw: req.rawHeaders, version: req.httpVersion };
    res.writeHead(404, 'Not Here, Sorry', { 'Content-Type': 'text/plain', 'Content-Length': '13', 'X-Server': 'node' });
    res.end('no such thing');
  });
  try {
    const r = await runProgram(['get', String(port)]).done;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/path/to?q=1&r=%20');
    expect(seen.version).toBe('1.1');
    // Node trims the value's surrounding whitespace, as RFC 7230 says.
    expect(seen.raw).toEqual(['Host', '127.0.0.1', 'X-Test', 'some value', 'Connection', 'close']);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('status 404 Not Here, Sorry');
    expect(fieldLines(r.out)).toEqual([
      'field Content-Type: text/plain', 'field Content-Length: 13', 'field X-Server: node', 'field Connection: close',
    ]);
    expect(r.out).toMatch(/\nfield Date: \w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT\n/);
    expect(r.out.endsWith('body no such thing\n')).toBe(true);
  } finally {
    server.close();
  }
}, 30000);

test('C http client -> Node http server with Expect: 100-continue: interim 100, raw body between two attaches, final response', async () => {
  let got = '';
  const { server, port } = await nodeServer((req, res) => {
    req.setEncoding('utf8');
    req.on('data', (d) => { got += d; });
    req.on('end', () => {
      res.writeHead(201, 'Stored', { 'Content-Length': String(got.length + 4) });
      res.end(`got ${got}`);
    });
  });
  try {
    const r = await runProgram(['continue', String(port)]).done;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(got).toBe('hello world');
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('status 100 Continue');
    expect(lines[1]).toBe('status 201 Stored');
    expect(fieldLines(r.out)).toEqual(['field Content-Length: 15', 'field Connection: close']);
    expect(r.out.endsWith('body got hello world\n')).toBe(true);
  } finally {
    server.close();
  }
}, 30000);

test('Node http client (no keep-alive) -> C http server: request, fields and body in, status, reason, fields and body out', async () => {
  const p = runProgram(['serve']);
  const port = +(await p.line(/listening (\d+)\n/))[1];
  const response = await new Promise<{ status?: number; reason?: string; raw: string[]; body: string }>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: '/upload?name=a%20b', agent: false,
      headers: { 'X-Custom': 'abc', 'Content-Type': 'text/plain', 'Content-Length': 5 },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, reason: res.statusMessage, raw: res.rawHeaders, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end('hello');
  });
  const r = await p.done;
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(response).toEqual({
    status: 202, reason: 'Accepted, Thanks', body: 'the response body!',
    raw: ['Content-Type', 'text/plain', 'Content-Length', '18', 'X-Reply', 'yes'],
  });
  expect(r.out).toBe([
    `listening ${port}`,
    'request POST /upload?name=a%20b',
    'field X-Custom: abc',
    'field Content-Type: text/plain',
    'field Content-Length: 5',
    `field Host: 127.0.0.1:${port}`,
    'field Connection: close',
    'body hello',
    '',
  ].join('\n'));
}, 30000);

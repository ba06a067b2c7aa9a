/**
 * SOCKS5 against implementations we did not write, on loopback only.
 *
 * (a) Our C client (socks5_client_connect / socks5_client_connectbyname)
 *     through the npm package @pondwader/socks5-server, with and without
 *     username/password, by address (127.0.0.1, ::1) and by name
 *     (localhost), to a Node net echo server; the proxy's refusals (bad
 *     credentials, its ruleset, a closed port, and every reply code sent by
 *     a custom connection handler) as the client's errno.
 * (b) A C proxy (socks5_proxy_auth + socks5_proxy_recvcommand[byname] +
 *     tcp_connect + socks5_proxy_sendreply + a relay coroutine per
 *     direction) driven by the npm `socks` client (SocksClient.createConnection)
 *     and by curl (--socks5-hostname, and socks5://user:pass@) fetching
 *     from a Node http server.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { ChildProcess } from 'child_process';
import { createServer as createSocks5Server } from '@pondwader/socks5-server';
import { SocksClient } from 'socks';
import { compile, killAll, start, tmpdir } from './helpers';

const PROGRAM = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

#define say(...) do { printf(__VA_ARGS__); fflush(stdout); } while(0)

static const char *ename(int e) {
    switch(e) {
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNABORTED: return "ECONNABORTED";
    case EIO: return "EIO";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENOTSUP: return "ENOTSUP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTO: return "EPROTO";
    case EINVAL: return "EINVAL";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    default: { static char b[32]; snprintf(b, sizeof(b), "errno %d", e); return b; }
    }
}

static unsigned char pat(long i) { return (unsigned char)(i * 7 + (i >> 9)); }

static int to_proxy(int port) {
    struct ipaddr p;
    if(ipaddr_local(&p, "127.0.0.1", port, IPADDR_IPV4) != 0) exit(2);
    int s = tcp_connect(&p, now() + 5000);
    if(s < 0) { say("tcp_connect %s\n", ename(errno)); exit(2); }
    return s;
}

static const char *arg(const char *a) { return strcmp(a, "-") == 0 ? NULL : a; }

/* client PROXYPORT HOST PORT addr|name USER|- PASS|- N */
static int client(char **argv) {
    int s = to_proxy(atoi(argv[2]));
    const char *host = argv[3];
    int port = atoi(argv[4]);
    int rc;
    if(strcmp(argv[5], "name") == 0) {
        rc = socks5_client_connectbyname(s, arg(argv[6]), arg(argv[7]), host, port, now() + 5000);
    } else {
        struct ipaddr a;
        if(ipaddr_remote(&a, host, port, 0, now() + 5000) != 0) { say("ipaddr_remote %s\n", ename(errno)); return 2; }
        rc = socks5_client_connect(s, arg(argv[6]), arg(argv[7]), &a, now() + 5000);
    }
    if(rc != 0) { say("socks5 %s\n", ename(errno)); hclose(s); return 0; }
    long n = atol(argv[8]);
    unsigned char *b = malloc(n);
    for(long i = 0; i < n; i++) b[i] = pat(i);
    if(bsend(s, b, n, now() + 10000) != 0) { say("bsend %s\n", ename(errno)); return 3; }
    memset(b, 0, n);
    if(brecv(s, b, n, now() + 10000) != 0) { say("brecv %s\n", ename(errno)); return 4; }
    for(long i = 0; i < n; i++) if(b[i] != pat(i)) { say("mismatch at %ld\n", i); return 5; }
    say("echoed %ld\n", n);
    free(b);
    return hclose(s);
}

/* statuses PROXYPORT: CONNECT to 127.0.0.1 ports 1-8, each errno. */
static int statuses(char **argv) {
    for(int port = 1; port <= 8; port++) {
        int s = to_proxy(atoi(argv[2]));
        struct ipaddr a;
        ipaddr_local(&a, "127.0.0.1", port, IPADDR_IPV4);
        int rc = socks5_client_connect(s, NULL, NULL, &a, now() + 5000);
        say("%d %d %s\n", port, rc, rc ? ename(errno) : "");
        hclose(s);
    }
    return 0;
}

static const char *want_user, *want_pass;

static int check(const char *u, const char *p) {
    return strcmp(u, want_user) == 0 && strcmp(p, want_pass) == 0;
}

static int reply_for(int err) {
    switch(err) {
    case ECONNREFUSED: return SOCKS5_CONNECTION_REFUSED;
    case ENETUNREACH: return SOCKS5_NETWORK_UNREACHABLE;
    case EHOSTUNREACH: case EADDRNOTAVAIL: return SOCKS5_HOST_UNREACHABLE;
    case ETIMEDOUT: return SOCKS5_TTL_EXPIRED;
    default: return SOCKS5_GENERAL_FAILURE;
    }
}

/* Passes bytes on one at a time, then the half-close; reports on ch. */
coroutine static void relay(int from, int to, long *count, int ch) {
    char b;
    while(brecv(from, &b, 1, -1) == 0) {
        if(bsend(to, &b, 1, -1) != 0) break;
        ++*count;
    }
    if(errno == EPIPE) tcp_done(to, -1);
    int one = 1;
    chsend(ch, &one, sizeof(one), -1);
}

static void serve(int s, int byname) {
    if(socks5_proxy_auth(s, want_user ? check : NULL, now() + 5000) != 0) {
        say("auth %s\n", ename(errno));
        hclose(s);
        return;
    }
    say("auth ok\n");
    struct ipaddr a;
    int cmd;
    if(byname) {
        char host[256];
        int port;
        cmd = socks5_proxy_recvcommandbyname(s, host, &port, now() + 5000);
        if(cmd < 0) { say("recvcommandbyname %s\n", ename(errno)); hclose(s); return; }
        say("request %d %s %d\n", cmd, host, port);
        if(ipaddr_remote(&a, host, port, 0, now() + 5000) != 0) {
            socks5_proxy_sendreply(s, SOCKS5_HOST_UNREACHABLE, NULL, now() + 5000);
            hclose(s);
            return;
        }
    } else {
        cmd = socks5_proxy_recvcommand(s, &a, now() + 5000);
        if(cmd < 0) { say("recvcommand %s\n", ename(errno)); hclose(s); return; }
        char str[IPADDR_MAXSTRLEN];
        say("request %d %s %d\n", cmd, ipaddr_str(&a, str), ipaddr_port(&a));
    }
    if(cmd != SOCKS5_CONNECT) {
        socks5_proxy_sendreply(s, SOCKS5_COMMAND_NOT_SUPPORTED, NULL, now() + 5000);
        hclose(s);
        return;
    }
    int t = tcp_connect(&a, now() + 5000);
    if(t < 0) {
        say("connect %s\n", ename(errno));
        socks5_proxy_sendreply(s, reply_for(errno), NULL, now() + 5000);
        hclose(s);
        return;
    }
    if(socks5_proxy_sendreply(s, SOCKS5_SUCCESS, &a, now() + 5000) != 0) { say("sendreply %s\n", ename(errno)); exit(3); }
    int ch[2];
    chmake(ch);
    long up = 0, down = 0;
    int b = bundle();
    bundle_go(b, relay(s, t, &up, ch[1]));
    bundle_go(b, relay(t, s, &down, ch[1]));
    /* Once one direction is over, the other gets a few seconds. */
    int one;
    chrecv(ch[0], &one, sizeof(one), -1);
    chrecv(ch[0], &one, sizeof(one), now() + 5000);
    hclose(b);
    hclose(ch[0]);
    hclose(ch[1]);
    hclose(t);
    hclose(s);
    say("relayed %ld %ld\n", up, down);
}

/* proxy addr|name USER:PASS|- COUNT */
static int proxy(char **argv) {
    if(strcmp(argv[3], "-") != 0) {
        char *colon = strchr(argv[3], ':');
        *colon = 0;
        want_user = argv[3];
        want_pass = colon + 1;
    }
    struct ipaddr a;
    ipaddr_local(&a, "127.0.0.1", 0, IPADDR_IPV4);
    int ls = tcp_listen(&a, 10);
    if(ls < 0) { say("tcp_listen %s\n", ename(errno)); return 2; }
    say("listening %d\n", ipaddr_port(&a));
    for(int i = atoi(argv[4]); i > 0; i--) {
        int s = tcp_accept(ls, NULL, now() + 30000);
        if(s < 0) { say("tcp_accept %s\n", ename(errno)); return 2; }
        serve(s, strcmp(argv[2], "name") == 0);
    }
    return hclose(ls);
}

int main(int argc, char **argv) {
    if(strcmp(argv[1], "client") == 0) return client(argv);
    if(strcmp(argv[1], "statuses") == 0) return statuses(argv);
    if(strcmp(argv[1], "proxy") == 0) return proxy(argv);
    return 1;
}
`;

let dir: string;
let prog: string;

beforeAll(() => {
  dir = tmpdir('socks5');
  prog = compile(dir, 'socks5', PROGRAM);
}, 120000);

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  killAll(children);
  for (const close of closers.splice(0)) await close();
});

const run = (cmd: string, args: string[]) => start(children, cmd, args);

const runProgram = (args: string[]) => run(process.execPath, [prog, ...args]);

function listen(server: net.Server | http.Server, host: string): Promise<number> {
  closers.push(() => new Promise<void>((r) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => r());
  }));
  return new Promise((resolve) => {
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

function echoServer(host: string): Promise<number> {
  return listen(net.createServer((s) => { s.on('error', () => {}); s.pipe(s); }), host);
}

/** A port on 127.0.0.1 that nobody listens on (briefly opened, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));
  await new Promise((r) => s.close(r));
  return port;
}

type Socks5Server = ReturnType<typeof createSocks5Server>;

function socks5Server(auth?: { username: string; password: string }): { server: Socks5Server; port: Promise<number> } {
  const server = createSocks5Server(auth ? { auth } : {});
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  const port = new Promise<number>((resolve) => {
    // Its net.Server is private in the typings; the port it got is only there.
    const inner = (server as unknown as { server: net.Server }).server;
    server.listen(0, '127.0.0.1', () => resolve((inner.address() as net.AddressInfo).port));
  });
  return { server, port };
}

const N = 100000;

describe('C client through @pondwader/socks5-server', () => {
  const cases: [string, string, string, string, string][] = [
    // label, host, addr|name, user, pass
    ['no auth, by IPv4 address', '127.0.0.1', 'addr', '-', '-'],
    ['no auth, by IPv6 address', '::1', 'addr', '-', '-'],
    ['no auth, by name (localhost)', 'localhost', 'name', '-', '-'],
    ['username/password, by IPv4 address', '127.0.0.1', 'addr', 'user123', 'password123'],
    ['username/password, by name (localhost)', 'localhost', 'name', 'user123', 'password123'],
  ];
  test.each(cases)('%s: 100 kB echoed through the proxy', async (_label, host, how, user, pass) => {
    const echo = await echoServer(host === 'localhost' ? '127.0.0.1' : host);
    const { port } = socks5Server(user === '-' ? undefined : { username: user, password: pass });
    const r = await runProgram(['client', String(await port), host, String(echo), how, user, pass, String(N)]).done;
    expect(r.err).toBe('');
    expect(r.out).toBe(`echoed ${N}\n`);
    expect(r.code).toBe(0);
  }, 30000);

  test('credentials refused or missing, the ruleset, a closed port: EACCES, EACCES, ECONNREFUSED', async () => {
    const echo = await echoServer('127.0.0.1');
    const withAuth = socks5Server({ username: 'user123', password: 'password123' });
    const p = String(await withAuth.port);
    let r = await runProgram(['client', p, '127.0.0.1', String(echo), 'addr', 'user123', 'wrong', '1']).done;
    expect(r.out).toBe('socks5 EACCES\n');
    r = await runProgram(['client', p, '127.0.0.1', String(echo), 'addr', '-', '-', '1']).done;
    expect(r.out).toBe('socks5 EACCES\n');

    const ruled = socks5Server();
    ruled.server.setRulesetValidator((conn) => conn.destPort !== echo);
    r = await runProgram(['client', String(await ruled.port), '127.0.0.1', String(echo), 'addr', '-', '-', '1']).done;
    // CONNECTION_NOT_ALLOWED: EACCES, as upstream maps it.
    expect(r.out).toBe('socks5 EACCES\n');

    const plain = socks5Server();
    r = await runProgram(['client', String(await plain.port), '127.0.0.1', String(await closedPort()), 'addr', '-', '-', '1']).done;
    expect(r.out).toBe('socks5 ECONNREFUSED\n');
    r = await runProgram(['client', String(await plain.port), 'localhost', String(await closedPort()), 'name', '-', '-', '1']).done;
    expect(r.out).toBe('socks5 ECONNREFUSED\n');
  }, 30000);

  test('every failure reply code the proxy sends becomes its errno', async () => {
    const { server, port } = socks5Server();
    const names = ['', 'GENERAL_FAILURE', 'CONNECTION_NOT_ALLOWED', 'NETWORK_UNREACHABLE', 'HOST_UNREACHABLE',
      'CONNECTION_REFUSED', 'TTL_EXPIRED', 'COMMAND_NOT_SUPPORTED', 'ADDRESS_TYPE_NOT_SUPPORTED'] as const;
    // The destination port picks the reply code.
    server.setConnectionHandler((conn, sendStatus) => {
      sendStatus(names[conn.destPort] as Parameters<typeof sendStatus>[0]);
    });
    const r = await runProgram(['statuses', String(await port)]).done;
    expect(r.err).toBe('');
    expect(r.out).toBe([
      '1 -1 EIO', '2 -1 EACCES', '3 -1 ENETUNREACH', '4 -1 EHOSTUNREACH',
      '5 -1 ECONNREFUSED', '6 -1 ETIMEDOUT', '7 -1 ENOTSUP', '8 -1 EAFNOSUPPORT', '',
    ].join('\n'));
    expect(r.code).toBe(0);
  }, 30000);
});

/** Reads everything a socket sends until it ends. */
function readAll(s: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    s.on('data', (d: Buffer) => parts.push(d));
    s.on('end', () => resolve(Buffer.concat(parts)));
    s.on('error', reject);
  });
}

describe('the npm socks client through a C proxy', () => {
  const M = 30000;
  const payload = Buffer.from(Array.from({ length: M }, (_, i) => (i * 13 + (i >> 7)) & 0xff));
  const cases: [string, string, string, string, string, string][] = [
    // label, proxy mode, proxy credentials, destination host, echo host, expected request host
    ['no auth, IPv4 address, recvcommandbyname', 'name', '-', '127.0.0.1', '127.0.0.1', '127.0.0.1'],
    ['no auth, IPv6 address, recvcommand', 'addr', '-', '::1', '::1', '::1'],
    ['username/password, name (localhost), recvcommandbyname', 'name', 'alice:s3cret', 'localhost', '127.0.0.1', 'localhost'],
    ['username/password, name (localhost) resolved by recvcommand', 'addr', 'alice:s3cret', 'localhost', '127.0.0.1', '127.0.0.1'],
  ];
  test.each(cases)('%s: 30 kB each way', async (_label, mode, creds, dest, echoHost, seen) => {
    const echo = await echoServer(echoHost);
    const p = runProgram(['proxy', mode, creds, '1']);
    const port = +(await p.line(/listening (\d+)\n/))[1];
    const [userId, password] = creds === '-' ? [undefined, undefined] : creds.split(':');
    const { socket } = await SocksClient.createConnection({
      proxy: { host: '127.0.0.1', port, type: 5, userId, password },
      command: 'connect',
      destination: { host: dest, port: echo },
      timeout: 10000,
    });
    const got = readAll(socket);
    socket.end(payload);
    expect((await got).equals(payload)).toBe(true);
    const r = await p.done;
    expect(r.err).toBe('');
    expect(r.out).toBe(`listening ${port}\nauth ok\nrequest 1 ${seen} ${echo}\nrelayed ${M} ${M}\n`);
    expect(r.code).toBe(0);
  }, 30000);

  test('wrong password, no credentials, a closed port: the client sees the refusal', async () => {
    const closed = await closedPort();
    const p = runProgram(['proxy', 'name', 'alice:s3cret', '3']);
    const port = +(await p.line(/listening (\d+)\n/))[1];
    const attempt = (userId: string | undefined, password: string | undefined, dport: number) =>
      SocksClient.createConnection({
        proxy: { host: '127.0.0.1', port, type: 5, userId, password },
        command: 'connect',
        destination: { host: '127.0.0.1', port: dport },
        timeout: 10000,
      }).then(() => 'connected', (e: Error) => e.message);
    expect(await attempt('alice', 'wrong', 1)).toMatch(/authentication failed/i);
    expect(await attempt(undefined, undefined, 1)).toMatch(/no accepted authentication type/i);
    expect(await attempt('alice', 's3cret', closed)).toMatch(/rejected connection - ConnectionRefused/);
    const r = await p.done;
    expect(r.out).toBe(`listening ${port}\nauth EACCES\nauth EACCES\nauth ok\nrequest 1 127.0.0.1 ${closed}\nconnect ECONNREFUSED\n`);
    expect(r.code).toBe(0);
  }, 30000);
});

const curl = '/usr/bin/curl';
const haveCurl = fs.existsSync(curl);
if (!haveCurl) {
  // eslint-disable-next-line no-console
  console.warn(`socks5-interop: ${curl} not found (Debian package curl): the curl tests are skipped`);
}

describe('curl through a C proxy', () => {
  const body = Array.from({ length: 20000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');

  function curlRun(args: string[]) {
    return run(curl, ['-sS', '--max-time', '20', '-o', '-', ...args]).done;
  }

  (haveCurl ? test : test.skip)('--socks5-hostname (name sent to the proxy) and socks5://user:pass@ (address, with auth)', async () => {
    const web = await listen(http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.end(body);
    }), '127.0.0.1');

    // The name goes to the proxy, which resolves it with socks5_proxy_recvcommand.
    let p = runProgram(['proxy', 'addr', '-', '1']);
    let port = +(await p.line(/listening (\d+)\n/))[1];
    let c = await curlRun(['--socks5-hostname', `127.0.0.1:${port}`, `http://localhost:${web}/`]);
    expect(c.err).toBe('');
    expect(c.out).toBe(body);
    expect(c.code).toBe(0);
    let r = await p.done;
    expect(r.out).toMatch(new RegExp(`^listening ${port}\nauth ok\nrequest 1 127\\.0\\.0\\.1 ${web}\nrelayed \\d+ \\d+\n$`));
    expect(+r.out.match(/relayed \d+ (\d+)/)![1]).toBeGreaterThan(body.length);
    expect(r.code).toBe(0);

    // Credentials, and the name as curl sends it, through recvcommandbyname.
    p = runProgram(['proxy', 'name', 'alice:s3cret', '2']);
    port = +(await p.line(/listening (\d+)\n/))[1];
    c = await curlRun(['--proxy', `socks5h://alice:s3cret@127.0.0.1:${port}`, `http://localhost:${web}/`]);
    expect(c.err).toBe('');
    expect(c.out).toBe(body);
    // curl resolves the name itself with socks5:// and sends the address.
    c = await curlRun(['--proxy', `socks5://alice:s3cret@127.0.0.1:${port}`, `http://127.0.0.1:${web}/`]);
    expect(c.err).toBe('');
    expect(c.out).toBe(body);
    r = await p.done;
    expect(r.out).toMatch(new RegExp(`^listening ${port}\nauth ok\nrequest 1 localhost ${web}\nrelayed \\d+ \\d+\n` +
      `auth ok\nrequest 1 127\\.0\\.0\\.1 ${web}\nrelayed \\d+ \\d+\n$`));
    expect(r.code).toBe(0);
  }, 60000);

  (haveCurl ? test : test.skip)('a wrong password and a closed port fail in curl with the proxy\'s reason', async () => {
    const closed = await closedPort();
    const p = runProgram(['proxy', 'addr', 'alice:s3cret', '2']);
    const port = +(await p.line(/listening (\d+)\n/))[1];
    let c = await curlRun(['--proxy', `socks5://alice:wrong@127.0.0.1:${port}`, `http://127.0.0.1:${closed}/`]);
    // curl's CURLE_PROXY (97), with the status byte we sent (0xff, as upstream): "(1 255)".
    expect(c.code).toBe(97);
    expect(c.err).toMatch(/User was rejected by the SOCKS5 server \(1 255\)/);
    c = await curlRun(['--proxy', `socks5://alice:s3cret@127.0.0.1:${port}`, `http://127.0.0.1:${closed}/`]);
    // The reply code we sent, CONNECTION_REFUSED: "(5)".
    expect(c.code).toBe(97);
    expect(c.err).toMatch(/Can't complete SOCKS5 connection to 127\.0\.0\.1\. \(5\)/);
    const r = await p.done;
    expect(r.out).toBe(`listening ${port}\nauth EACCES\nauth ok\nrequest 1 127.0.0.1 ${closed}\nconnect ECONNREFUSED\n`);
    expect(r.code).toBe(0);
  }, 30000);
});

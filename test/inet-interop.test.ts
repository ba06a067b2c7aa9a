/**
 * A wasm C program and peers we did not write, over loopback only, IPv4
 * (127.0.0.1) and IPv6 (::1), ephemeral ports: Node's net and dgram (in the
 * jest process, so in another process than the program) and curl.
 *
 * TCP: both directions of half-close (tcp_done -> Node's 'end' exactly after
 * every byte; Node's end() -> brecv's EPIPE exactly after every byte), a
 * reset from Node (resetAndDestroy) -> ECONNRESET, 4 MiB each way in order,
 * with the C program as client and as server.  curl fetching from a C
 * HTTP/1.0 server.  UDP both ways with message boundaries and the sender's
 * address and port as each side sees them.  happyeyeballs_connect to
 * "localhost".
 */
import * as dns from 'dns';
import * as fs from 'fs';
import * as net from 'net';
import * as dgram from 'dgram';
import { ChildProcess } from 'child_process';
import { compile, killAll, start, tmpdir } from './helpers';

const PROGRAM = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdill.h>

static unsigned char pat(long i) { return (unsigned char)(i * 7 + (i >> 13)); }

static const char *ename(int e) {
    switch(e) {
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EINVAL: return "EINVAL";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    default: { static char b[32]; snprintf(b, sizeof(b), "errno %d", e); return b; }
    }
}

static int mode_of(const char *host) { return strchr(host, ':') ? IPADDR_IPV6 : IPADDR_IPV4; }

static void show(const char *what, const struct ipaddr *a) {
    char s[IPADDR_MAXSTRLEN];
    printf("%s %s %d\n", what, ipaddr_str(a, s), ipaddr_port(a));
}

/* Sends total pattern bytes in odd-sized pieces, then tcp_done. */
static int send_rc = -2, done_rc = -2, send_err, done_err;
coroutine void sender(int s, long total) {
    static unsigned char b[100003];
    long sent = 0;
    send_rc = 0;
    while(sent < total) {
        long n = 1 + (sent * 31) % (long)sizeof(b);
        if(n > total - sent) n = total - sent;
        for(long i = 0; i < n; i++) b[i] = pat(sent + i);
        if(bsend(s, b, n, -1) != 0) { send_rc = -1; send_err = errno; return; }
        sent += n;
    }
    done_rc = tcp_done(s, -1);
    done_err = errno;
}

/* Both ways at once: total bytes out then tcp_done; total bytes in, then EPIPE. */
static int duplex(int s, long total) {
    int h = go(sender(s, total));
    static unsigned char b[70001];
    long got = 0, sizes[] = {1, 4096, 70001, 13, 65536, 999};
    for(int k = 0; got < total; k++) {
        long n = sizes[k % 6];
        if(n > total - got) n = total - got;
        if(brecv(s, b, n, now() + 10000) != 0) { printf("brecv after %ld: %s\n", got, ename(errno)); return 5; }
        for(long i = 0; i < n; i++)
            if(b[i] != pat(got + i)) { printf("mismatch at %ld\n", got + i); return 6; }
        got += n;
    }
    char x;
    int rc = brecv(s, &x, 1, now() + 5000);
    printf("received %ld, then brecv %d %s\n", got, rc, rc ? ename(errno) : "");
    bundle_wait(h, now() + 10000);
    hclose(h);
    printf("bsend %d, tcp_done %d%s%s\n", send_rc, done_rc,
        send_rc ? " " : "", send_rc ? ename(send_err) : "");
    rc = tcp_close(s, now() + 5000);
    printf("tcp_close %d%s%s\n", rc, rc ? " " : "", rc ? ename(errno) : "");
    return 0;
}

/* Sends "hello", then waits for the peer's reset. */
static int reset(int s) {
    if(bsend(s, "hello", 5, -1) != 0) { printf("bsend hello: %s\n", ename(errno)); return 5; }
    char x;
    int rc = brecv(s, &x, 1, now() + 5000);
    printf("brecv %d %s\n", rc, ename(errno));
    rc = bsend(s, "x", 1, now() + 5000);
    printf("bsend %d %s\n", rc, ename(errno));
    return hclose(s);
}

static int listening(const char *host, struct ipaddr *a) {
    if(ipaddr_local(a, host, 0, mode_of(host)) != 0) { printf("ipaddr_local: %s\n", ename(errno)); exit(2); }
    int ls = tcp_listen(a, 10);
    if(ls < 0) { printf("tcp_listen: %s\n", ename(errno)); exit(2); }
    printf("listening %d\n", ipaddr_port(a));
    fflush(stdout);
    return ls;
}

static int http(int ls) {
    struct ipaddr peer;
    int s = tcp_accept(ls, &peer, now() + 10000);
    if(s < 0) { printf("tcp_accept: %s\n", ename(errno)); return 3; }
    show("peer", &peer);
    char req[8192];
    int n = 0;
    while(n < (int)sizeof(req) - 1) {
        if(brecv(s, req + n, 1, now() + 5000) != 0) { printf("brecv request: %s\n", ename(errno)); return 4; }
        n++;
        if(n >= 4 && memcmp(req + n - 4, "\r\n\r\n", 4) == 0) break;
    }
    req[n] = 0;
    printf("request line: %.*s\n", (int)strcspn(req, "\r"), req);
    static char body[100000];
    for(int i = 0; i < (int)sizeof(body); i++) body[i] = 'a' + i % 26;
    char head[256];
    int hl = snprintf(head, sizeof(head),
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", (int)sizeof(body));
    if(bsend(s, head, hl, -1) != 0 || bsend(s, body, sizeof(body), -1) != 0) { printf("bsend: %s\n", ename(errno)); return 5; }
    int rc = tcp_close(s, now() + 5000);
    printf("tcp_close %d%s%s\n", rc, rc ? " " : "", rc ? ename(errno) : "");
    return 0;
}

/* UDP: datagrams of several sizes to the Node peer, then three from it. */
static int udp(const char *host, int peerport) {
    struct ipaddr local, peer, from;
    int mode = mode_of(host);
    if(ipaddr_local(&local, host, 0, mode) != 0) { printf("ipaddr_local: %s\n", ename(errno)); return 2; }
    int s = udp_open(&local, NULL);
    if(s < 0) { printf("udp_open: %s\n", ename(errno)); return 2; }
    show("bound", &local);
    fflush(stdout);
    if(ipaddr_remote(&peer, host, peerport, mode, -1) != 0) { printf("ipaddr_remote: %s\n", ename(errno)); return 2; }
    static char b[65536];
    int sizes[] = {5, 1000, 0, 20000};
    for(int i = 0; i < 4; i++) {
        memset(b, 'A' + i, sizes[i]);
        if(udp_send(s, &peer, b, sizes[i]) != 0) { printf("udp_send: %s\n", ename(errno)); return 3; }
    }
    for(int i = 0; i < 3; i++) {
        ssize_t n = udp_recv(s, &from, b, sizeof(b), now() + 5000);
        if(n < 0) { printf("udp_recv: %s\n", ename(errno)); return 4; }
        int same = 1;
        for(ssize_t j = 1; j < n; j++) same &= b[j] == b[0];
        char str[IPADDR_MAXSTRLEN];
        printf("datagram %d '%c'%s from %s %d\n", (int)n, n ? b[0] : '-', same ? "" : " (mixed)",
            ipaddr_str(&from, str), ipaddr_port(&from));
    }
    return hclose(s);
}

int main(int argc, char **argv) {
    const char *what = argv[1];
    struct ipaddr a;
    if(strcmp(what, "connect") == 0) {
        /* connect HOST PORT duplex N | reset */
        if(ipaddr_remote(&a, argv[2], atoi(argv[3]), mode_of(argv[2]), now() + 5000) != 0) { printf("ipaddr_remote: %s\n", ename(errno)); return 2; }
        int s = tcp_connect(&a, now() + 5000);
        if(s < 0) { printf("tcp_connect: %s\n", ename(errno)); return 2; }
        return strcmp(argv[4], "reset") == 0 ? reset(s) : duplex(s, atol(argv[5]));
    }
    if(strcmp(what, "listen") == 0) {
        /* listen HOST duplex N | reset */
        int ls = listening(argv[2], &a);
        struct ipaddr peer;
        int s = tcp_accept(ls, &peer, now() + 10000);
        if(s < 0) { printf("tcp_accept: %s\n", ename(errno)); return 3; }
        show("peer", &peer);
        int rc = strcmp(argv[3], "reset") == 0 ? reset(s) : duplex(s, atol(argv[4]));
        hclose(ls);
        return rc;
    }
    if(strcmp(what, "http") == 0) {
        int ls = listening(argv[2], &a);
        int rc = http(ls);
        hclose(ls);
        return rc;
    }
    if(strcmp(what, "udp") == 0) return udp(argv[2], atoi(argv[3]));
    if(strcmp(what, "he") == 0) {
        /* he NAME PORT: happyeyeballs_connect, "ping" -> the reply, to EPIPE */
        int s = happyeyeballs_connect(argv[2], atoi(argv[3]), now() + 5000);
        if(s < 0) { printf("happyeyeballs_connect: %s\n", ename(errno)); return 2; }
        if(bsend(s, "ping", 4, -1) != 0 || tcp_done(s, -1) != 0) { printf("bsend: %s\n", ename(errno)); return 3; }
        char r[64];
        int n = 0;
        while(n < 63 && brecv(s, r + n, 1, now() + 5000) == 0) n++;
        printf("reply %.*s, then %s\n", n, r, ename(errno));
        return tcp_close(s, now() + 5000) == 0 ? 0 : 4;
    }
    return 1;
}
`;

let dir: string;
let prog: string;

beforeAll(() => {
  dir = tmpdir('inet');
  prog = compile(dir, 'inet', PROGRAM);
}, 120000);

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const children: ChildProcess[] = [];
afterEach(() => killAll(children));

const runProgram = (args: string[]) => start(children, process.execPath, [prog, ...args]);

const pat = (i: number) => (i * 7 + Math.floor(i / 8192)) & 0xff;
const MiB = 1 << 20;
const TOTAL = 4 * MiB;

/**
 * Node's side of the duplex exchange: sends total pattern bytes in odd-sized
 * writes, then end(); reads, checking the pattern.  Resolves at 'end' with
 * what had arrived by then.
 */
function duplexPeer(s: net.Socket, total: number) {
  return new Promise<{ received: number; bad: number }>((resolve, reject) => {
    let received = 0;
    let bad = -1;
    s.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i++) if (bad < 0 && d[i] !== pat(received + i)) bad = received + i;
      received += d.length;
    });
    s.on('end', () => resolve({ received, bad }));
    s.on('error', reject);
    let sent = 0;
    const more = () => {
      while (sent < total) {
        const n = Math.min(total - sent, 1 + ((sent * 17) % 50000));
        const b = Buffer.alloc(n);
        for (let i = 0; i < n; i++) b[i] = pat(sent + i);
        sent += n;
        if (!s.write(b)) { s.once('drain', more); return; }
      }
      s.end();
    };
    more();
  });
}

const duplexOutput = (total: number) =>
  `received ${total}, then brecv -1 EPIPE\nbsend 0, tcp_done 0\ntcp_close 0\n`;

const families: [string, string][] = [['IPv4', '127.0.0.1'], ['IPv6', '::1']];

describe.each(families)('TCP over %s (%s)', (_family, host) => {
  test('C tcp_connect client <-> Node net server: 4 MiB each way, both half-closes, tcp_close', async () => {
    let peer: Promise<{ received: number; bad: number }> | undefined;
    let remote = '';
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      remote = `${s.remoteAddress}`;
      peer = duplexPeer(s, TOTAL);
    });
    await new Promise<void>((r) => server.listen(0, host, r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const r = await runProgram(['connect', host, String(port), 'duplex', String(TOTAL)]).done;
      expect(r.err).toBe('');
      expect(r.out).toBe(duplexOutput(TOTAL));
      expect(r.code).toBe(0);
      // Node saw 'end' (our tcp_done) exactly after every byte, in order.
      expect(await peer).toEqual({ received: TOTAL, bad: -1 });
      expect(remote).toBe(host);
    } finally {
      server.close();
    }
  }, 30000);

  test('Node net client -> C tcp_listen/tcp_accept server: 4 MiB each way, both half-closes, tcp_close', async () => {
    const p = runProgram(['listen', host, 'duplex', String(TOTAL)]);
    const port = +(await p.line(/listening (\d+)\n/))[1];
    const c = net.connect({ host, port, allowHalfOpen: true });
    await new Promise((r, j) => { c.once('connect', r); c.once('error', j); });
    const localPort = c.localPort;
    const peer = await duplexPeer(c, TOTAL);
    expect(peer).toEqual({ received: TOTAL, bad: -1 });
    const r = await p.done;
    expect(r.err).toBe('');
    // tcp_accept reports the client's address and port.
    expect(r.out).toBe(`listening ${port}\npeer ${host} ${localPort}\n` + duplexOutput(TOTAL));
    expect(r.code).toBe(0);
  }, 30000);

  test('a reset from the Node server (resetAndDestroy) gives the C client ECONNRESET', async () => {
    const server = net.createServer((s) => {
      let got = '';
      s.on('data', (d) => { got += d; if (got === 'hello') s.resetAndDestroy(); });
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, host, r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const r = await runProgram(['connect', host, String(port), 'reset']).done;
      expect(r.err).toBe('');
      expect(r.out).toBe('brecv -1 ECONNRESET\nbsend -1 ECONNRESET\n');
      expect(r.code).toBe(0);
    } finally {
      server.close();
    }
  }, 20000);

  test('a reset from the Node client (resetAndDestroy) gives the C server ECONNRESET', async () => {
    const p = runProgram(['listen', host, 'reset']);
    const port = +(await p.line(/listening (\d+)\n/))[1];
    const c = net.connect({ host, port });
    c.on('error', () => {});
    let got = '';
    let localPort: number | undefined;
    c.on('connect', () => { localPort = c.localPort; });
    c.on('data', (d) => { got += d; if (got === 'hello') c.resetAndDestroy(); });
    const r = await p.done;
    expect(got).toBe('hello');
    expect(r.err).toBe('');
    expect(r.out).toBe(`listening ${port}\npeer ${host} ${localPort}\nbrecv -1 ECONNRESET\nbsend -1 ECONNRESET\n`);
    expect(r.code).toBe(0);
  }, 20000);
});

const curl = '/usr/bin/curl';
const haveCurl = fs.existsSync(curl);
if (!haveCurl) {
  // eslint-disable-next-line no-console
  console.warn(`inet-interop: ${curl} not found (Debian package curl): the curl tests are skipped`);
}

describe.each(families)('curl over %s (%s)', (_family, host) => {
  (haveCurl ? test : test.skip)('curl --http1.0 fetches a response from a C tcp_accept server', async () => {
    const p = runProgram(['http', host]);
    const port = +(await p.line(/listening (\d+)\n/))[1];
    const url = host.includes(':') ? `http://[${host}]:${port}/` : `http://${host}:${port}/`;
    const c = await start(children, curl, ['--http1.0', '-sS', '--fail', '-g', '--max-time', '10', '-o', '-', '-w', '\n%{http_code} %{local_port}', url]).done;
    const body = c.out;
    expect(c.err).toBe('');
    expect(c.code).toBe(0);
    const expected = Array.from({ length: 100000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const tail = body.slice(expected.length);
    expect(body.slice(0, expected.length)).toBe(expected);
    const [status, localPort] = tail.trim().split(' ');
    expect(status).toBe('200');
    const r = await p.done;
    expect(r.err).toBe('');
    expect(r.out).toBe(`listening ${port}\npeer ${host} ${localPort}\nrequest line: GET / HTTP/1.0\ntcp_close 0\n`);
    expect(r.code).toBe(0);
  }, 20000);
});

describe.each(families)('UDP over %s (%s)', (family, host) => {
  test('C udp_open socket <-> Node dgram socket: boundaries and sender addresses both ways', async () => {
    const sock = dgram.createSocket(family === 'IPv4' ? 'udp4' : 'udp6');
    const got: { len: number; first: string; mixed: boolean; address: string; port: number }[] = [];
    let gotAll: () => void;
    const all = new Promise<void>((r) => { gotAll = r; });
    sock.on('message', (m, rinfo) => {
      got.push({
        len: m.length, first: m.length ? String.fromCharCode(m[0]) : '-',
        mixed: m.some((x) => x !== m[0]), address: rinfo.address, port: rinfo.port,
      });
      if (got.length === 4) gotAll();
    });
    await new Promise<void>((r) => sock.bind(0, host, r));
    try {
      const nodePort = sock.address().port;
      const p = runProgram(['udp', host, String(nodePort)]);
      const cPort = +(await p.line(/bound \S+ (\d+)\n/))[1];
      await Promise.race([all, p.done]);
      // Node sees each of our datagrams whole, in order, from our socket's address and port.
      expect(got).toEqual([5, 1000, 0, 20000].map((len, i) => ({
        len, first: len ? 'ABCD'[i] : '-', mixed: false, address: host, port: cPort,
      })));
      for (const [len, ch] of [[7, 'x'], [0, ''], [30000, 'z']] as [number, string][]) {
        await new Promise<void>((r, j) => sock.send(Buffer.alloc(len, ch || 'q'), cPort, host, (e) => (e ? j(e) : r())));
      }
      const r = await p.done;
      expect(r.err).toBe('');
      expect(r.out).toBe(`bound ${host} ${cPort}\n` +
        `datagram 7 'x' from ${host} ${nodePort}\n` +
        `datagram 0 '-' from ${host} ${nodePort}\n` +
        `datagram 30000 'z' from ${host} ${nodePort}\n`);
      expect(r.code).toBe(0);
    } finally {
      sock.close();
    }
  }, 20000);
});

test('happyeyeballs_connect("localhost", port) reaches a Node net server on localhost', async () => {
  // Listen on every address localhost has here (127.0.0.1, and ::1 where
  // the resolver gives it), on one port where possible.
  const addrs = (await dns.promises.lookup('localhost', { all: true })).map((a) => a.address);
  const seen: string[] = [];
  const handler = (s: net.Socket) => {
    let req = '';
    s.on('data', (d) => { req += d; });
    // Attempts that lose the race are closed without sending anything.
    s.on('end', () => { if (req) seen.push(`${s.remoteAddress} ${req}`); s.end(req.toUpperCase()); });
    s.on('error', () => {});
  };
  const servers: net.Server[] = [];
  let port = 0;
  for (const a of addrs) {
    const server = net.createServer({ allowHalfOpen: true }, handler);
    const ok = await new Promise<boolean>((r) => {
      server.once('error', () => r(false));
      server.listen(port, a, () => r(true));
    });
    if (!ok) continue;
    servers.push(server);
    if (!port) port = (server.address() as net.AddressInfo).port;
  }
  try {
    expect(servers.length).toBeGreaterThan(0);
    const r = await runProgram(['he', 'localhost', String(port)]).done;
    expect(r.err).toBe('');
    expect(r.out).toBe('reply PING, then EPIPE\n');
    expect(r.code).toBe(0);
    expect(seen.length).toBe(1);
    expect(addrs.map((a) => `${a} ping`)).toContain(seen[0]);
  } finally {
    for (const s of servers) s.close();
  }
}, 20000);

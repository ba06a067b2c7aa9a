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
 *
 * The C program is test/peers/inet-peer.c.
 */
import * as dns from 'dns';
import * as fs from 'fs';
import * as net from 'net';
import * as dgram from 'dgram';
import { ChildProcess } from 'child_process';
import { compilePeer, killAll, start, tmpdir } from './helpers';

let dir: string;
let prog: string;

beforeAll(() => {
  dir = tmpdir('inet');
  prog = compilePeer(dir, 'inet-peer');
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

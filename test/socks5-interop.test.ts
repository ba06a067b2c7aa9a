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
 *
 * The C program is test/peers/socks5-peer.c.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { ChildProcess } from 'child_process';
import { createServer as createSocks5Server } from '@pondwader/socks5-server';
import { SocksClient } from 'socks';
import { compilePeer, killAll, start, tmpdir } from './helpers';

let dir: string;
let prog: string;

beforeAll(() => {
  dir = tmpdir('socks5');
  prog = compilePeer(dir, 'socks5-peer');
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

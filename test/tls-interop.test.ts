/**
 * Our TLS against peers we did not write, over TCP on 127.0.0.1, both
 * directions: Node's `tls` server and client (in the jest process), and
 * Debian's `openssl s_server` and `s_client`.  Test certificates are made
 * here with /usr/bin/openssl in a temporary folder.
 *
 * Our client (tls_attach_client): sends a line and 1 MiB + 3 bytes, gets
 * them back, then tls_done, reads to EPIPE (the peer's close_notify) and
 * tls_detach hands back the TCP socket.  Certificate checks through
 * DILL_TLS_CA / DILL_TLS_HOST in the process's environment: a trusted
 * certificate and the right name pass (and the name goes out as SNI), an
 * untrusted certificate or a wrong name fail with EPROTO.
 *
 * Our server (tls_attach_server): echoes what it gets; the Node and
 * openssl clients check its certificate against the CA and host name,
 * end with close_notify, and our server's tls_detach completes the
 * terminal handshake.  TLS 1.2 and 1.3 both.
 *
 * The C program is test/peers/tls-peer.c.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tls from 'tls';
import { ChildProcess, execFileSync } from 'child_process';
import { compilePeer, killAll, start, tmpdir } from './helpers';

let dir: string;
let prog: string;
const children: ChildProcess[] = [];
const CERT = () => path.join(dir, 'srv.pem');
const KEY = () => path.join(dir, 'srv.key');
const OTHER = () => path.join(dir, 'other.pem');

function makeCert(name: string, cn: string, san: string): void {
  execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${san}`,
    '-keyout', `${name}.key`, '-out', `${name}.pem`], { cwd: dir, stdio: 'ignore' });
}

beforeAll(() => {
  dir = tmpdir('tls-interop');
  makeCert('srv', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  makeCert('other', 'other.example', 'DNS:other.example');
  prog = compilePeer(dir, 'tls-peer');
}, 120000);

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
afterEach(() => { killAll(children); });

/** Runs our program with extra environment variables (through env(1): a
    jest test's process.env does not reach child processes). */
function ours(args: string[], env: Record<string, string> = {}) {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return start(children, '/usr/bin/env', [...vars, process.execPath, prog, ...args]);
}

/** A Node TLS echo server; resolves with its port and what it saw. */
function nodeServer(opts: tls.TlsOptions = {}) {
  const seen: { servername?: string | false; ended: boolean; protocol?: string | null } = { ended: false };
  const server = tls.createServer({ cert: fs.readFileSync(CERT()), key: fs.readFileSync(KEY()), ...opts }, (s) => {
    seen.servername = (s as any).servername;
    seen.protocol = s.getProtocol();
    s.on('data', (d) => s.write(d));
    // allowHalfOpen is off: our close_notify ('end') makes Node send its own.
    s.on('end', () => { seen.ended = true; });
    s.on('error', () => {});
  });
  return new Promise<{ port: number; server: tls.Server; seen: typeof seen }>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as any).port, server, seen }));
  });
}

describe('our client', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    test(`against Node's tls server (${version}): data both ways, tls_done, EPIPE, tls_detach`, async () => {
      const { port, server, seen } = await nodeServer({ minVersion: version, maxVersion: version });
      try {
        const c = ours(['client', String(port)]);
        const r = await c.done;
        expect(r.out).toBe('attached\nline hello tls\nbig ok\nafter done EPIPE\ndetached\n');
        expect(r.code).toBe(0);
        expect(seen.ended).toBe(true);
        expect(seen.protocol).toBe(version);
        expect(seen.servername).toBe(false);          // no DILL_TLS_HOST: no SNI
      } finally { server.close(); }
    }, 30000);
  }

  test('checks the certificate against DILL_TLS_CA and DILL_TLS_HOST (sent as SNI)', async () => {
    const { port, server, seen } = await nodeServer();
    try {
      let r = await ours(['client', String(port), 'attach'], { DILL_TLS_CA: CERT(), DILL_TLS_HOST: 'localhost' }).done;
      expect(r.out).toBe('attached\n');
      expect(seen.servername).toBe('localhost');
      r = await ours(['client', String(port), 'attach'], { DILL_TLS_CA: CERT(), DILL_TLS_HOST: 'wrong.example' }).done;
      expect(r.out).toBe('attach EPROTO\n');
      r = await ours(['client', String(port), 'attach'], { DILL_TLS_CA: OTHER() }).done;
      expect(r.out).toBe('attach EPROTO\n');
      r = await ours(['client', String(port), 'attach'], { DILL_TLS_CA: 'system' }).done;
      expect(r.out).toBe('attach EPROTO\n');
      // Without DILL_TLS_CA nothing is checked.
      r = await ours(['client', String(port), 'attach'], { DILL_TLS_HOST: 'wrong.example' }).done;
      expect(r.out).toBe('attached\n');
    } finally { server.close(); }
  }, 30000);

  test('a server that asks for a client certificate refuses us: ECONNRESET (its alert)', async () => {
    const { port, server } = await nodeServer({ requestCert: true, rejectUnauthorized: true, maxVersion: 'TLSv1.2' });
    try {
      const r = await ours(['client', String(port), 'attach']).done;
      expect(r.out).toBe('attach ECONNRESET\n');
    } finally { server.close(); }
  }, 30000);

  for (const version of ['-tls1_3', '-tls1_2']) {
    test(`against openssl s_server ${version}`, async () => {
      // -rev answers each line reversed (its stdin, a pipe, stays open).
      const srv = start(children, '/usr/bin/openssl', ['s_server', '-accept', '127.0.0.1:0',
        '-cert', CERT(), '-key', KEY(), '-rev', '-naccept', '1', version]);
      const port = (await srv.line(/ACCEPT 127\.0\.0\.1:(\d+)/))[1];
      const r = await ours(['client', port, 'line'], { DILL_TLS_CA: CERT(), DILL_TLS_HOST: '127.0.0.1' }).done;
      expect(r.out).toBe('attached\nline slt olleh\ndone\nafter done EPIPE\n');
    }, 30000);
  }
});

describe('our server', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    test(`against Node's tls client (${version}), which checks our certificate`, async () => {
      const s = ours(['server', CERT(), KEY(), '0']);
      const port = Number((await s.line(/port (\d+)/))[1]);
      const big = Buffer.alloc(1 << 20);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 12)) & 0xff;
      const echoed = await new Promise<Buffer>((resolve, reject) => {
        const c = tls.connect({ port, host: '127.0.0.1', ca: fs.readFileSync(CERT()), servername: 'localhost',
          minVersion: version, maxVersion: version }, () => {
          expect(c.authorized).toBe(true);
          expect(c.getProtocol()).toBe(version);
          c.write(big);
          c.end();                                   // close_notify after the data
        });
        const parts: Buffer[] = [];
        c.on('data', (d) => parts.push(d));
        c.on('end', () => resolve(Buffer.concat(parts)));   // our close_notify
        c.on('error', reject);
      });
      expect(echoed.equals(big)).toBe(true);
      const r = await s.done;
      expect(r.out).toBe(`port ${port}\nattached\nEPIPE after ${big.length}\ndetached\n`);
    }, 30000);
  }

  test('a Node client that refuses our certificate (wrong name): our attach fails with ECONNRESET', async () => {
    const s = ours(['server', CERT(), KEY(), '0']);
    const port = Number((await s.line(/port (\d+)/))[1]);
    const err = await new Promise<Error>((resolve) => {
      const c = tls.connect({ port, host: '127.0.0.1', ca: fs.readFileSync(CERT()), servername: 'wrong.example' });
      c.on('error', resolve);
    });
    expect((err as any).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const r = await s.done;
    expect(r.out).toMatch(/attach ECONNRESET\n$/);
  }, 30000);

  test('a client that is not TLS: our attach fails with EPROTO', async () => {
    const s = ours(['server', CERT(), KEY(), '0']);
    const port = Number((await s.line(/port (\d+)/))[1]);
    const net = await import('net');
    const c = net.connect(port, '127.0.0.1', () => c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    c.on('error', () => {});
    const r = await s.done;
    c.destroy();
    expect(r.out).toBe(`port ${port}\nattach EPROTO\n`);
  }, 30000);

  test('TLS 1.3 key updates: openssl s_client updates its keys and asks us to (K); data flows after, both ways', async () => {
    const s = ours(['server', CERT(), KEY(), '20']);
    const port = (await s.line(/port (\d+)/))[1];
    // Without -quiet, a line "K" on s_client's input is a command: a
    // KeyUpdate asking us to update our keys as well.  -msg shows the
    // messages both ways.  Each line must reach s_client in its own read.
    const c = start(children, '/usr/bin/openssl', ['s_client', '-connect', `127.0.0.1:${port}`,
      '-CAfile', CERT(), '-tls1_3', '-msg']);
    await c.line(/Verify return code: 0/);
    c.child.stdin!.write('hello tls\n');
    await c.line(/>>> TLS 1.2, RecordHeader \[length 0005\]\s+17 03 03 00 1b/);
    c.child.stdin!.write('K\n');
    await c.line(/>>> TLS 1.3, Handshake \[length 0005\], KeyUpdate/);
    c.child.stdin!.write('world tls\n');
    // Our server echoed the 20 bytes one by one, the last 10 under the new
    // keys, then detached: its close_notify went out under our new keys and
    // s_client's answer came back.
    const r = await s.done;
    expect(r.out).toBe(`port ${port}\nattached\ndetached\n`);
    // We updated our keys when asked.
    await c.line(/<<< TLS 1.3, Handshake \[length 0005\], KeyUpdate/);
    c.child.kill();
  }, 30000);

  for (const version of ['-tls1_3', '-tls1_2']) {
    test(`against openssl s_client ${version}, which verifies us`, async () => {
      const s = ours(['server', CERT(), KEY(), '10']);
      const port = (await s.line(/port (\d+)/))[1];
      // s_client sends the line, prints our echo, and on our close_notify
      // answers with its own and exits.
      const c = start(children, '/usr/bin/openssl', ['s_client', '-connect', `127.0.0.1:${port}`,
        '-CAfile', CERT(), '-verify_return_error', '-verify_hostname', 'localhost', '-quiet', version]);
      c.child.stdin!.write('hello tls\n');
      const r = await s.done;
      expect(r.out).toBe(`port ${port}\nattached\ndetached\n`);
      await c.line(/hello tls/);
      c.child.kill();
    }, 30000);
  }
});

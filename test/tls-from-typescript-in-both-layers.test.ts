/**
 * TLS from TypeScript: the C-faithful tls_* calls through load(), and the
 * idiomatic ByteStream.attachTlsClient / attachTlsServer giving a
 * TlsSocket (a ByteStream) whose detach() gives the socket object back.
 * Peers: our own sockets (ipc_pair, TCP) and Node's tls server.
 * Certificates are made here with /usr/bin/openssl.
 *
 * It loads the built package (dist/, made by `make build`).
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as tls from 'tls';
import { execFileSync } from 'child_process';
import { load, Dill, DillError, IpcSocket, TcpSocket, TlsSocket } from '../dist/index';
import { failure, tmpdir } from './helpers';

let dir: string;
let cert: string;
let key: string;

beforeAll(() => {
  dir = tmpdir('ts-tls');
  execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', 'srv.key', '-out', 'srv.pem'], { cwd: dir, stdio: 'ignore' });
  cert = path.join(dir, 'srv.pem');
  key = path.join(dir, 'srv.key');
});

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

afterEach(() => {
  delete process.env.DILL_TLS_CA;
  delete process.env.DILL_TLS_HOST;
});


describe('C-faithful', () => {
  test('handshake, data, tls_done, EPIPE, tls_detach, plain bytes after; errors', async () => {
    const dill = await load();
    const p = [0, 0];
    expect(dill.ipc_pair(p)).toBe(0);
    const mem = dill.storage('tls_storage');
    let serverErr = 0;
    const srv = dill.go(async () => {
      const t = await dill.tls_attach_server_mem(p[1], cert, key, mem, dill.now() + 5000);
      if (t < 0) { serverErr = dill.errno; return; }
      const b = new Uint8Array(5);
      expect(await dill.brecv(t, b, 5, dill.now() + 5000)).toBe(0);
      expect(await dill.bsend(t, b, 5, dill.now() + 5000)).toBe(0);
      expect(await dill.brecv(t, b, 1, dill.now() + 5000)).toBe(-1);
      expect(dill.errno).toBe(dill.EPIPE);
      const u = await dill.tls_detach(t, dill.now() + 5000);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(await dill.bsend(u, Buffer.from('plain'), 5, dill.now() + 5000)).toBe(0);
      dill.hclose(u);
    });
    const c = await dill.tls_attach_client(p[0], dill.now() + 5000);
    expect(c).toBeGreaterThanOrEqual(0);
    expect(await dill.bsend(c, Buffer.from('hello'), 5, dill.now() + 5000)).toBe(0);
    const b = new Uint8Array(5);
    expect(await dill.brecv(c, b, 5, dill.now() + 5000)).toBe(0);
    expect(Buffer.from(b).toString()).toBe('hello');
    expect(await dill.tls_done(c, dill.now() + 5000)).toBe(0);
    expect(await dill.tls_done(c, dill.now() + 5000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const u = await dill.tls_detach(c, dill.now() + 5000);
    expect(u).toBeGreaterThanOrEqual(0);
    expect(await dill.brecv(u, b, 5, dill.now() + 5000)).toBe(0);
    expect(Buffer.from(b).toString()).toBe('plain');
    expect(await dill.bundle_wait(srv, dill.now() + 5000)).toBe(0);
    expect(serverErr).toBe(0);
    dill.hclose(srv);
    dill.hclose(u);
    mem.free();

    // Errors: a missing key file or none (EFAULT, as upstream; the socket
    // is closed, as after any failed attach), a handle that is not TLS
    // (ENOTSUP), no handle (EBADF).
    expect(dill.ipc_pair(p)).toBe(0);
    expect(await dill.tls_attach_server(p[0], cert, path.join(dir, 'missing.key'), dill.now() + 1000)).toBe(-1);
    expect(dill.errno).toBe(dill.EFAULT);
    expect(dill.hclose(p[0])).toBe(-1);
    dill.hclose(p[1]);
    expect(dill.ipc_pair(p)).toBe(0);
    expect(await dill.tls_attach_server(p[0], null, key, dill.now() + 1000)).toBe(-1);
    expect(dill.errno).toBe(dill.EFAULT);
    dill.hclose(p[1]);
    expect(dill.ipc_pair(p)).toBe(0);
    expect(await dill.tls_done(p[0], dill.now() + 1000)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(await dill.tls_detach(12345, dill.now() + 1000)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(await dill.bsend(p[0], Buffer.from('x'), 1, dill.now() + 1000)).toBe(0);
    // DTLS is declared, not available.
    const u2 = dill.ipaddr();
    expect(dill.ipaddr_local(u2, '127.0.0.1', 0, 0)).toBe(0);
    const udp = await dill.udp_open(u2, null);
    expect(await dill.dtls_attach_client(udp, dill.now() + 1000)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    dill.hclose(udp);
    dill.hclose(p[0]);
    dill.hclose(p[1]);
  }, 30000);

  test('DILL_TLS_CA and DILL_TLS_HOST from process.env', async () => {
    const dill = await load();
    const server = tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (s) => {
      s.on('data', (d) => s.write(d));
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const addr = dill.ipaddr();
      expect(dill.ipaddr_local(addr, '127.0.0.1', port, 0)).toBe(0);
      const attempt = async (host: string) => {
        process.env.DILL_TLS_CA = cert;
        process.env.DILL_TLS_HOST = host;
        const s = await dill.tcp_connect(addr, dill.now() + 5000);
        expect(s).toBeGreaterThanOrEqual(0);
        const t = await dill.tls_attach_client(s, dill.now() + 5000);
        const err = dill.errno;
        if (t >= 0) dill.hclose(t);
        return t >= 0 ? 0 : err;
      };
      expect(await attempt('localhost')).toBe(0);
      expect(await attempt('wrong.example')).toBe(dill.EPROTO);
    } finally {
      server.close();
    }
  }, 30000);
});

describe('idiomatic', () => {
  let d: Dill;
  beforeAll(async () => { d = await Dill.load(); });

  test('attachTlsClient / attachTlsServer over ipcPair: send, recv, done, detach back to IpcSockets', async () => {
    const [a, b] = d.ipcPair();
    const [tc, ts] = await Promise.all([
      a.attachTlsClient({ deadline: d.now() + 5000 }),
      b.attachTlsServer({ cert, key }, { deadline: d.now() + 5000 }),
    ]);
    expect(tc).toBeInstanceOf(TlsSocket);
    expect(a.closed).toBe(true);
    await tc.send('over tls');
    expect(Buffer.from(await ts.recv(8)).toString()).toBe('over tls');
    await ts.done();
    const e = await failure(tc.recv(1, { deadline: d.now() + 5000 }));
    expect(e.code).toBe('EPIPE');
    const [a2, b2] = await Promise.all([tc.detach({ deadline: d.now() + 5000 }), ts.detach({ deadline: d.now() + 5000 })]);
    expect(a2).toBeInstanceOf(IpcSocket);
    expect(tc.closed).toBe(true);
    await a2.send('plain');
    expect(Buffer.from(await b2.recv(5)).toString()).toBe('plain');
    a2.close();
    b2.close();
  }, 30000);

  test('a TcpSocket against Node\'s tls server: chunks, closeGracefully; a bad key file closes the socket', async () => {
    const server = tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (s) => {
      s.on('data', (x) => s.write(x));
      s.on('end', () => s.end());
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const tcp = await d.tcpConnect(d.ipLocal('127.0.0.1', port), { deadline: d.now() + 5000 });
      const t = await tcp.attachTlsClient({ deadline: d.now() + 5000 });
      await t.send('abc');
      await t.done();
      const chunks: string[] = [];
      for await (const c of t) chunks.push(Buffer.from(c).toString());
      expect(chunks.join('')).toBe('abc');
      const lower = await t.detach({ deadline: d.now() + 5000 });
      expect(lower).toBeInstanceOf(TcpSocket);
      lower.close();

      const tcp2 = await d.tcpConnect(d.ipLocal('127.0.0.1', port), { deadline: d.now() + 5000 });
      const t2 = await tcp2.attachTlsClient({ deadline: d.now() + 5000 });
      await t2.send('x');
      expect(Buffer.from(await t2.recv(1)).toString()).toBe('x');
      await t2.closeGracefully({ deadline: d.now() + 5000 });
      expect(t2.closed).toBe(true);

      // EFAULT (upstream's errno for a key file that cannot be used):
      // nothing sent, and the socket is closed, as after any failed attach.
      const [a, b] = d.ipcPair();
      const e = await failure(a.attachTlsServer({ cert, key: path.join(dir, 'nope.key') }));
      expect(e.code).toBe('EFAULT');
      expect(a.closed).toBe(true);
      expect((await failure(b.recv(1))).code).toBe('EPIPE');
      b.close();
    } finally {
      server.close();
    }
  }, 30000);

  test('a peer that is not TLS: EPROTO, and the socket is gone', async () => {
    const plain = net.createServer((s) => { s.on('error', () => {}); s.write('SSH-2.0-test\r\n'); });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', () => r()));
    const port = (plain.address() as net.AddressInfo).port;
    try {
      const tcp = await d.tcpConnect(d.ipLocal('127.0.0.1', port), { deadline: d.now() + 5000 });
      const e = await failure(tcp.attachTlsClient({ deadline: d.now() + 5000 }));
      expect(e.code).toBe('EPROTO');
      expect(tcp.closed).toBe(true);
    } finally {
      plain.close();
    }
  }, 30000);
});

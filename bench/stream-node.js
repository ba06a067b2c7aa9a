/**
 * Baseline for bench/stream.c: raw Node net doing the same (64 KiB writes of
 * 256 MiB; 1-byte ping-pong), in one process or two, over a unix socket
 * (ipc) or TCP on 127.0.0.1 (tcp).
 *   node stream-node.js ipc inproc DIR | ipc serve PATH | ipc client PATH
 *   node stream-node.js tcp inproc     | tcp serve      | tcp client PORT
 * `serve` prints "ready" (ipc) or "ready PORT" (tcp, an ephemeral port).
 */
'use strict';
const net = require('net');
const path = require('path');
const CHUNK = 65536, TOTAL = 256 * 1024 * 1024, PINGS = 20000;
// Untimed round trips before each timed ping-pong, as bench/stream.c.
const WARM = PINGS / 10;
const buf = Buffer.alloc(CHUNK);

function out(o) { process.stdout.write(JSON.stringify(o) + '\n'); }

/** Writes TOTAL bytes with backpressure; resolves when all are written. */
function sendAll(sock) {
  return new Promise((resolve) => {
    let sent = 0;
    function more() {
      while (sent < TOTAL) {
        sent += CHUNK;
        if (!sock.write(buf)) { sock.once('drain', more); return; }
      }
      resolve();
    }
    more();
  });
}

/** Resolves when `n` bytes have arrived on sock. */
function recvBytes(sock, n) {
  return new Promise((resolve) => {
    let got = 0;
    function onData(d) {
      got += d.length;
      if (got >= n) { sock.removeListener('data', onData); resolve(); }
    }
    sock.on('data', onData);
  });
}

/** 1-byte ping-pong: a sends, b echoes, PINGS times. */
function pingpong(a, count) {
  return new Promise((resolve) => {
    let i = 0;
    const b1 = Buffer.from('x');
    a.on('data', function onData() {
      if (++i === count) { a.removeListener('data', onData); resolve(); return; }
      a.write(b1);
    });
    a.write(b1);
  });
}

function echo(sock) {
  sock.on('data', (d) => sock.write(d));
}

/** Listens on a unix path (ipc) or 127.0.0.1:0 (tcp); resolves with the address to connect to. */
function listen(server, tcp, p) {
  return new Promise((r) => {
    if (tcp) server.listen(0, '127.0.0.1', () => r({ host: '127.0.0.1', port: server.address().port }));
    else server.listen(p, () => r({ path: p }));
  });
}

async function inproc(tcp, dir) {
  const proto = tcp ? 'tcp' : 'ipc';
  const server = net.createServer();
  let accepted;
  const gotConn = new Promise((r) => server.on('connection', (s) => { accepted = s; r(); }));
  const addr = await listen(server, tcp, tcp ? null : path.join(dir, 'node-inproc.sock'));
  const c = net.connect(addr);
  await new Promise((r) => c.on('connect', r));
  await gotConn;
  let t0 = process.hrtime.bigint();
  const recv = recvBytes(accepted, TOTAL);
  await sendAll(c);
  await recv;
  let t1 = process.hrtime.bigint();
  out({ name: `node net ${proto} bulk, one process`, mbps: TOTAL / 1048576 / (Number(t1 - t0) / 1e9) });
  echo(accepted);
  await pingpong(c, WARM);
  t0 = process.hrtime.bigint();
  await pingpong(c, PINGS);
  t1 = process.hrtime.bigint();
  out({ name: `node net ${proto} 1-byte ping-pong, one process`, us: Number(t1 - t0) / 1e3 / PINGS });
  c.destroy(); accepted.destroy(); server.close();
}

async function serve(tcp, p) {
  const server = net.createServer((s) => {
    let got = 0;
    s.on('data', function onData(d) {
      got += d.length;
      if (got > TOTAL) { s.removeListener('data', onData); s.write(d.subarray(d.length - (got - TOTAL))); echo(s); }
    });
    s.on('close', () => server.close());
  });
  const addr = await listen(server, tcp, p);
  process.stdout.write(tcp ? `ready ${addr.port}\n` : 'ready\n');
}

async function client(tcp, arg) {
  const proto = tcp ? 'tcp' : 'ipc';
  const c = tcp ? net.connect(+arg, '127.0.0.1') : net.connect(arg);
  await new Promise((r) => c.on('connect', r));
  let t0 = process.hrtime.bigint();
  await sendAll(c);
  c.write('x');
  await recvBytes(c, 1);
  let t1 = process.hrtime.bigint();
  out({ name: `node net ${proto} bulk, two processes`, mbps: TOTAL / 1048576 / (Number(t1 - t0) / 1e9) });
  await pingpong(c, WARM);
  t0 = process.hrtime.bigint();
  await pingpong(c, PINGS - 1);
  t1 = process.hrtime.bigint();
  out({ name: `node net ${proto} 1-byte ping-pong, two processes`, us: Number(t1 - t0) / 1e3 / (PINGS - 1) });
  c.destroy();
}

const [transport, mode, arg] = process.argv.slice(2);
const tcp = transport === 'tcp';
if (mode === 'inproc') inproc(tcp, arg);
else if (mode === 'serve') serve(tcp, arg);
else client(tcp, arg);
